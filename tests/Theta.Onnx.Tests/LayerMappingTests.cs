using Theta.Io;
using Theta.Nn;

namespace Theta.Onnx.Tests;

/// <summary>
/// Every layer mapping of docs/model-file.md on small networks with random inputs: Linear with and without bias on
/// rank 2 (Gemm) and rank 3 (MatMul + Add), Conv2d with and without bias, stride and padding, MaxPool2d, Flatten
/// as Flatten and as Reshape, a nested Sequential, Dropout, every activation, Softmax on a middle axis, LogSoftmax;
/// and the opsets export writes (13–21).
/// </summary>
public sealed class LayerMappingTests
{
    public static TheoryData<string> Networks => ["mlp", "cnn", "rank3"];

    private static (Sequential Net, int[] Example) Network(string name) => name switch
    {
        "mlp" => (new(new Linear(6, 5, new Rng(1)), new Tanh(), new Dropout(0.25f, new Rng(2)), new Linear(5, 4, new Rng(3), bias: false),
            new LeakyReLU(0.05f), new Linear(4, 3, new Rng(4)), new Softmax()), [6]),
        "cnn" => (new(new Conv2d(1, 3, 3, new Rng(1), padding: 1), new ReLU(), new MaxPool2d(2),
            new Sequential(new Conv2d(3, 4, 3, new Rng(2), stride: 2, bias: false), new Sigmoid()),
            new Flatten(), new Linear(4, 2, new Rng(3)), new LogSoftmax()), [1, 8, 8]),
        "rank3" => (new(new Conv2d(2, 3, 3, new Rng(1), padding: 1), new Flatten(2, 3), new Linear(16, 4, new Rng(2)), new Softmax(1),
            new Flatten(), new LogSoftmax()), [2, 4, 4]),
        _ => throw new ArgumentException(name),
    };

    [Theory, MemberData(nameof(Networks))]
    public void OnnxRuntimeGivesThetasOutputs(string name)
    {
        var (net, example) = Network(name);
        net.Eval();
        var path = Path.Combine(Judge.TempDir(), $"{name}.onnx");
        OnnxFile.Export(new NetworkModel(net, new NetworkMetadata(example)), path);
        var x = Tensor.Normal(new Rng(9), 0f, 1f, [7, .. example]);
        float[] theta;
        using (Autograd.NoGrad()) theta = net.Forward(x).ToArray();
        var (ort, _) = Judge.Run(path, x);
        double diff = Judge.MaxAbsDiff(theta, ort);
        Assert.True(diff <= 1e-5, $"{name}: max |Δ| = {diff:G3}");
    }

    [Fact]
    public void AFlatNetworkComesBackTheSameAndANestedOneFlat()
    {
        var dir = Judge.TempDir();
        var (mlp, _) = Network("mlp");
        OnnxFile.Export(new NetworkModel(mlp, new NetworkMetadata([6])), Path.Combine(dir, "mlp.onnx"));
        Judge.SameNetwork(mlp, OnnxFile.ImportNetwork(Path.Combine(dir, "mlp.onnx")).Network);

        var (cnn, _) = Network("cnn");
        OnnxFile.Export(new NetworkModel(cnn, new NetworkMetadata([1, 8, 8])), Path.Combine(dir, "cnn.onnx"));
        var flat = new Sequential([.. cnn.Layers.SelectMany(l => l is Sequential s ? s.Layers : [l])]);
        Judge.SameNetwork(flat, OnnxFile.ImportNetwork(Path.Combine(dir, "cnn.onnx")).Network);
    }

    [Fact]
    public void AReshapeThatIsNoFlattenIsRefusedByImport()
    {
        var (net, example) = Network("rank3");
        var path = Path.Combine(Judge.TempDir(), "rank3.onnx");
        OnnxFile.Export(new NetworkModel(net, new NetworkMetadata(example)), path);
        var e = Assert.Throws<ModelFormatException>(() => OnnxFile.ImportNetwork(path));
        Assert.Equal($"{path}: node \"1\" (Reshape, opset 17) is not supported: it reshapes [batch, 3, 4, 4] to [0, 3, 16]; Theta reshapes only to [batch, −1] (a Flatten)", e.Message);
    }

    [Theory]
    [InlineData(13)]
    [InlineData(17)]
    [InlineData(21)]
    public void EveryOpsetExportWritesRunsInOnnxRuntime(int opset)
    {
        var (net, example) = Network("cnn");
        net.Eval();
        var path = Path.Combine(Judge.TempDir(), "cnn.onnx");
        OnnxFile.Export(new NetworkModel(net, new NetworkMetadata(example)), path, opset);
        var x = Tensor.Normal(new Rng(9), 0f, 1f, [3, .. example]);
        float[] theta;
        using (Autograd.NoGrad()) theta = net.Forward(x).ToArray();
        Assert.True(Judge.MaxAbsDiff(theta, Judge.Run(path, x).Values) <= 1e-5);
        Judge.SameNetwork(new Sequential([.. net.Layers.SelectMany(l => l is Sequential s ? s.Layers : [l])]), OnnxFile.ImportNetwork(path).Network);

        var (train, test) = global::Theta.Tests.TestData.LoadCs109("heart");
        var nb = TabularExportTests.Train(train, "bernoulli");
        OnnxFile.Export(nb, path, opset);
        Assert.True(Judge.MaxAbsDiff(nb.PredictProba(test).ToArray(), Judge.Run(path, test.Features).Values) <= 1e-5);
    }
}
