using System.Text;
using Theta.Io;
using Theta.Nn;

namespace Theta.Tests.Io;

public sealed class NetworkFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("theta-nf-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File_(string name = "net.theta") => Path.Combine(_dir, name);

    private static Sequential Mlp() => new(new Linear(6, 5, new Rng(1)), new Tanh(), new Dropout(0.25f, new Rng(2)),
        new Linear(5, 4, new Rng(3), bias: false), new LeakyReLU(0.05f), new Linear(4, 3, new Rng(4)), new Softmax());

    private static Sequential Cnn() => new(
        new Conv2d(1, 3, 3, new Rng(1), padding: 1), new ReLU(), new MaxPool2d(2),
        new Sequential(new Conv2d(3, 4, 3, new Rng(2), stride: 2, bias: false), new Sigmoid()), // nested
        new Flatten(), new Linear(4, 2, new Rng(3)));

    private static void AssertSamePredictions(Module a, Module b, params int[] inputShape)
    {
        var x = Tensor.Normal(new Rng(5), 0f, 1f, inputShape);
        a.Eval();
        using var _ = Theta.Autograd.NoGrad();
        Assert.Equal(a.Forward(x).ToArray().Select(BitConverter.SingleToInt32Bits), b.Forward(x).ToArray().Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void AnMlpRoundTripsWithItsMetadata()
    {
        var net = Mlp();
        var meta = new NetworkMetadata([6], ["a", "b", "c"], "toy", new Dictionary<string, string> { ["note"] = "ünïcode" });
        NetworkFile.Save(net, File_(), meta);
        var loaded = NetworkFile.Read(File_(), inputShape: [6]);
        Assert.Equal(NetworkArchitecture.ToJson(net).ToJsonString(), NetworkArchitecture.ToJson(loaded.Network).ToJsonString());
        Assert.Equal([6], loaded.Metadata.InputShape!);
        Assert.Equal(["a", "b", "c"], loaded.Metadata.Classes);
        Assert.Equal("toy", loaded.Metadata.Dataset);
        Assert.Equal("ünïcode", loaded.Metadata.Extra!["note"]);
        Assert.Equal(0.25f, ((Dropout)loaded.Network[2]).P);
        Assert.False(loaded.Network.Training);
        AssertSamePredictions(net, loaded.Network, 7, 6);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void ACnnRoundTripsAndItsWeightsArePlainSafetensors()
    {
        var net = Cnn();
        NetworkFile.Save(net, File_(), new NetworkMetadata(InputShape: [1, 8, 8], Dataset: "mnist"));
        AssertSamePredictions(net, NetworkFile.Load(File_()), 2, 1, 8, 8);
        var (tensors, meta) = SafeTensors.Read(File_());
        Assert.Equal(["0.weight", "0.bias", "3.0.weight", "5.weight", "5.bias"], tensors.Select(t => t.Name));
        Assert.Equal(new Shape(3, 1, 3, 3), tensors[0].Value.Shape);
        Assert.Contains("\"kind\":\"network\"", meta["theta"]);
        Assert.Contains("{\"type\":\"Conv2d\",\"in\":3,\"out\":4,\"kernel\":3,\"stride\":2,\"padding\":0,\"bias\":false}", meta["theta"]);
    }

    // Replaces text in the saved file with a same-length edit (the layout stays valid), then loads it.
    private string Altered(string from, string to, int[]? inputShape = null)
    {
        Assert.Equal(from.Length, to.Length);
        var path = File_();
        NetworkFile.Save(Mlp(), path, new NetworkMetadata([6]));
        var text = Encoding.Latin1.GetString(File.ReadAllBytes(path));
        Assert.Contains(from, text);
        File.WriteAllBytes(path, Encoding.Latin1.GetBytes(text.Replace(from, to)));
        return Assert.Throws<ModelFormatException>(() => NetworkFile.Read(path, inputShape)).Message;
    }

    [Theory]
    [InlineData(@"\""type\"":\""Tanh\""", @"\""type\"":\""Tahn\""", "layer 1 has type \"Tahn\", which is not a layer this Theta knows")]
    [InlineData(@"\""in\"":6,\""out\"":5", @"\""in\"":1,\""out\"":5", "tensor \"0.weight\" has shape [5, 6]; the architecture needs [5, 1]")]
    [InlineData(@"\""in\"":6,\""out\"":5", @"\""in\"":6,\""out\"":9", "layer 3 (Linear) needs 20 weights but the file holds only 7 more")]
    [InlineData(@"\""in\"":6,", @"\""im\"":6,", "layer 0 (Linear): field \"in\" must be an integer")]
    [InlineData(@"\""p\"":0.25", @"\""p\"":1.25", "layer 2 (Dropout) has invalid settings: Dropout: p must be in [0, 1)")]
    [InlineData("\"3.weight\"", "\"3.weighd\"", "tensor \"3.weight\" is missing")]
    [InlineData(@"\""kind\"":\""network\""", @"\""kind\"":\""mlp\""    ", "field \"kind\" is \"mlp\"; a network file (\"network\") was expected")]
    public void AlteredFilesFailClearly(string from, string to, string expected)
        => Assert.Contains(expected, Altered(from, to));

    [Fact]
    public void AFileForAnotherInputIsRejected()
    {
        NetworkFile.Save(Mlp(), File_(), new NetworkMetadata([6]));
        Assert.Contains("the model takes inputs of shape [6], but [784] was expected (a model file for another architecture)",
            Assert.Throws<ModelFormatException>(() => NetworkFile.Read(File_(), [784])).Message);
        NetworkFile.Save(Mlp(), File_()); // no stored input shape: a dry run finds the mismatch
        Assert.Contains("the network cannot take inputs of shape [1, 28, 28]",
            Assert.Throws<ModelFormatException>(() => NetworkFile.Read(File_(), [1, 28, 28])).Message);
    }

    [Fact]
    public void TruncatedAndMissingFilesFailClearly()
    {
        NetworkFile.Save(Cnn(), File_());
        var bytes = File.ReadAllBytes(File_());
        File.WriteAllBytes(File_(), bytes[..^4]);
        Assert.Contains("truncated", Assert.Throws<ModelFormatException>(() => NetworkFile.Load(File_())).Message);
        Assert.Contains("no such model file", Assert.Throws<ModelFormatException>(() => NetworkFile.Load(File_("none.theta"))).Message);
    }

    [Fact]
    public void AnExtraTensorIsRejected()
    {
        var net = Mlp();
        SafeTensors.Write(File_(), [.. net.NamedParameters(), ("evil", Tensor.Zeros(2))],
            SafeTensors.Read(Save(net)).Metadata);
        Assert.Contains("tensors \"evil\" are not part of the architecture", Assert.Throws<ModelFormatException>(() => NetworkFile.Load(File_())).Message);
    }

    private string Save(Sequential net)
    {
        var p = File_("plain.theta");
        NetworkFile.Save(net, p);
        return p;
    }
}
