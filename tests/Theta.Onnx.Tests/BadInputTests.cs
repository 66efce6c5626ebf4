using Google.Protobuf;
using Theta.Io;
using P = global::Onnx;

namespace Theta.Onnx.Tests;

/// <summary>Files the importer must refuse: one line naming the file and what is wrong (the node, its op type and the opset where a node is to blame).</summary>
public sealed class BadInputTests
{
    // A small exported network (Flatten, Linear, ReLU, Linear on [1, 28, 28]) to alter.
    private static (string Dir, P.ModelProto Model) Exported()
    {
        var dir = Judge.TempDir();
        var path = Path.Combine(dir, "good.onnx");
        OnnxFile.Export(new NetworkModel(Training.MnistNetworks.Create("mlp", new Rng(1)), new NetworkMetadata([1, 28, 28])), path);
        return (dir, P.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)));
    }

    private static string Refused(string dir, P.ModelProto model)
    {
        var path = Path.Combine(dir, "bad.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        var e = Assert.Throws<ModelFormatException>(() => OnnxFile.Import(path, Path.Combine(dir, "out.theta")));
        Assert.False(File.Exists(Path.Combine(dir, "out.theta")));
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith(path + ": ", e.Message);
        return e.Message;
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.05)]
    public void ATruncatedFile(double keep)
    {
        var (dir, model) = Exported();
        var bytes = model.ToByteArray();
        var path = Path.Combine(dir, "truncated.onnx");
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * keep)]);
        var e = Assert.Throws<ModelFormatException>(() => OnnxFile.ImportNetwork(path));
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void AnUnsupportedOp()
    {
        var (dir, model) = Exported();
        model.Graph.Node[2].OpType = "Elu";   // the ReLU
        Assert.Equal($"{Path.Combine(dir, "bad.onnx")}: node \"{model.Graph.Node[2].Name}\" (Elu, opset 17) is not supported: Theta's importer reads Gemm, MatMul (+ Add), Conv, MaxPool, Relu, LeakyRelu, Sigmoid, Tanh, Softmax, LogSoftmax, Flatten, Reshape, Dropout, Identity",
            Refused(dir, model));
    }

    [Fact]
    public void AnOpOfAnotherDomain()
    {
        var (dir, model) = Exported();
        model.Graph.Node[2].Domain = "com.microsoft";
        Assert.Contains("(Relu, opset 17) is not supported: its domain \"com.microsoft\"", Refused(dir, model));
    }

    [Fact]
    public void TwoInputs()
    {
        var (dir, model) = Exported();
        model.Graph.Input.Add(model.Graph.Input[0].Clone());
        model.Graph.Input[1].Name = "mask";
        Assert.Contains("the graph has 2 inputs (\"input\", \"mask\"); Theta imports networks with exactly one", Refused(dir, model));
    }

    [Fact]
    public void DynamicSizesBesidesTheBatch()
    {
        var (dir, model) = Exported();
        var dim = model.Graph.Input[0].Type.TensorType.Shape.Dim[2];
        dim.DimParam = "height";
        Assert.Contains("input \"input\": axis 2 has the dynamic size \"height\"; Theta needs every size but the batch (axis 0) fixed", Refused(dir, model));
    }

    [Fact]
    public void AnInputTooLargeToFollow()
    {
        var (dir, model) = Exported();
        model.Graph.Input[0].Type.TensorType.Shape.Dim[2].DimValue = 3_000_000;
        Assert.Contains("input \"input\" has 84,000,000 values per example; Theta imports networks of at most 67,108,864", Refused(dir, model));
    }

    [Fact]
    public void AnOpsetNewerThanSupported()
    {
        var (dir, model) = Exported();
        model.OpsetImport[0].Version = 99;
        Assert.Contains("uses ONNX opset 99; this Theta reads opsets up to 21", Refused(dir, model));
    }

    [Fact]
    public void AConvolutionThetaCannotDo()
    {
        var dir = Judge.TempDir();
        var path = Path.Combine(dir, "cnn.onnx");
        OnnxFile.Export(new NetworkModel(Training.MnistNetworks.Create("cnn", new Rng(1)), new NetworkMetadata([1, 28, 28])), path);
        var model = P.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        var pads = model.Graph.Node[0].Attribute.Single(a => a.Name == "pads");
        pads.Ints[2] = 1;   // uneven padding
        Assert.Contains($"(Conv, opset 17) is not supported: pads [2, 2, 1, 2]; Theta pads every side alike", Refused(dir, model));
    }

    [Fact]
    public void AnExportedOnnxFileIsNotOverwrittenByAFailedImport()
    {
        var (dir, model) = Exported();
        var target = Path.Combine(dir, "out.theta");
        File.WriteAllText(target, "keep me");
        model.Graph.Node[2].OpType = "Elu";
        var path = Path.Combine(dir, "bad.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        Assert.Throws<ModelFormatException>(() => OnnxFile.Import(path, target));
        Assert.Equal("keep me", File.ReadAllText(target));
    }
}
