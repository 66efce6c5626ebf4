using System.Text.Json.Nodes;
using Theta.Io;
using Theta.Nn;

namespace Theta.Onnx.Tests;

/// <summary>
/// Files written by another exporter: torch.onnx.export (PyTorch 1.13, opset 13) of small Sequentials, made by
/// fixtures/make_fixtures.py, with PyTorch's outputs on fixed rows beside them (fixtures/NAME.json).
/// Imported into Theta, they must give PyTorch's outputs.
/// </summary>
public sealed class PyTorchFixtureTests
{
    private static string Fixture(string file) => Path.Combine(AppContext.BaseDirectory, "fixtures", file);

    [Theory]
    [InlineData("mlp_gemm", new[] { "Linear", "ReLU", "Linear", "Softmax" })]                       // Gemm ×2, batch fixed at 4
    [InlineData("mlp_matmul", new[] { "Linear", "Tanh", "Linear", "Flatten", "LogSoftmax" })]        // MatMul + Add on [batch, 3, 5]
    [InlineData("cnn", new[] { "Conv2d", "ReLU", "MaxPool2d", "Conv2d", "LeakyReLU", "Flatten", "Linear", "Sigmoid" })] // Shape…Reshape folded
    public void ImportedNetworkPredictsLikePyTorch(string name, string[] layers)
    {
        var expected = JsonNode.Parse(File.ReadAllText(Fixture($"{name}.json")))!;
        int[] inShape = [.. expected["inputShape"]!.AsArray().Select(n => n!.GetValue<int>())];
        float[] x = [.. expected["input"]!.AsArray().Select(n => n!.GetValue<float>())];
        float[] y = [.. expected["output"]!.AsArray().Select(n => n!.GetValue<float>())];

        var model = OnnxFile.ImportNetwork(Fixture($"{name}.onnx"));
        Assert.Equal(layers, model.Network.Layers.Select(l => l.TypeName));
        Assert.Equal(inShape[1..], model.Metadata.InputShape!);
        float[] theta;
        using (Autograd.NoGrad()) theta = model.Network.Forward(Tensor.FromArray(x, inShape)).ToArray();
        double diff = Judge.MaxAbsDiff(y, theta);
        Assert.True(diff <= 1e-5, $"{name}: max |Δ| from PyTorch = {diff:G3}");
    }

    [Fact]
    public void ImportedCnnConvolutionSettingsAreTheExportedOnes()
    {
        var net = OnnxFile.ImportNetwork(Fixture("cnn.onnx")).Network;
        var convs = net.Layers.OfType<Conv2d>().ToArray();
        Assert.Equal((1, 4, 3, 1, 1), (convs[0].InChannels, convs[0].OutChannels, convs[0].Kernel, convs[0].Stride, convs[0].Padding));
        Assert.Equal((4, 6, 3, 2, 1), (convs[1].InChannels, convs[1].OutChannels, convs[1].Kernel, convs[1].Stride, convs[1].Padding));
        Assert.Equal(0.1f, net.Layers.OfType<LeakyReLU>().Single().Slope);
    }

    [Fact]
    public void ABranchIsRefusedWithOneLineNamingTheNode()
    {
        var e = Assert.Throws<ModelFormatException>(() => OnnxFile.ImportNetwork(Fixture("residual.onnx")));
        Assert.Contains("node \"/1/f/Gemm\" (Gemm, opset 13) is not supported: the value \"/0/Gemm_output_0\" it reads goes to 2 nodes", e.Message);
        Assert.Contains("not branches", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
