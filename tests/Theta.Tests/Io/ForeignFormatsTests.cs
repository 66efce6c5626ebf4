using Theta.Io;
using Theta.Nn;
using Theta.Tabular;

namespace Theta.Tests.Io;

/// <summary>
/// Io.ForeignFormats: a reader registered for an extension is what NetworkFile.Read and ModelFile.Load use for such
/// files (Theta.Onnx registers ".onnx"); without one, an .onnx file is a clear error saying where ONNX support lives.
/// </summary>
public sealed class ForeignFormatsTests
{
    [Fact]
    public void ARegisteredReaderServesNetworkFileReadAndItsInputCheck()
    {
        var dir = Directory.CreateTempSubdirectory("theta-foreign-").FullName;
        var path = Path.Combine(dir, "net.fake-net");
        File.WriteAllText(path, "not safetensors");
        var net = new Sequential(new Linear(3, 2, new Rng(1)));
        ForeignFormats.Register(".fake-net", new ForeignFormats.Reader(p => new NetworkModel(net, new NetworkMetadata([3]))));
        Assert.Same(net, NetworkFile.Read(path).Network);
        Assert.Contains("the model takes inputs of shape [3], but [4] was expected", Assert.Throws<ModelFormatException>(() => NetworkFile.Read(path, [4])).Message);
        Assert.Contains("a network, not a tabular model", Assert.Throws<ModelFormatException>(() => ModelFile.Load(path)).Message);
        // Where only Theta's own format will do (a checkpoint to resume), the file is named for what it is.
        Assert.Equal($"{path}: a .fake-net file, but a Theta file is needed here (a checkpoint or model file; theta import converts it)",
            Assert.Throws<ModelFormatException>(() => ThetaFile.Open(path)).Message);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void AnOnnxFileWithoutTheOnnxPackageSaysWhereItIsRead()
    {
        var dir = Directory.CreateTempSubdirectory("theta-foreign-").FullName;
        var path = Path.Combine(dir, "model.onnx");
        File.WriteAllBytes(path, [8, 7, 18, 5]);
        var e = Assert.Throws<ModelFormatException>(() => NetworkFile.Read(path));
        Assert.Equal($"{path}: an ONNX file, which the Theta.Onnx package reads: reference it and call Theta.Io.OnnxFile.Register() (the theta command does)", e.Message);
        Directory.Delete(dir, recursive: true);
    }
}
