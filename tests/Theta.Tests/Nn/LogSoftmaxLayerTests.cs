using Theta.Io;
using Theta.Nn;

namespace Theta.Tests.Nn;

/// <summary>The LogSoftmax layer (what PyTorch classifiers often end in, and what ONNX import maps LogSoftmax to).</summary>
public sealed class LogSoftmaxLayerTests
{
    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public void ItIsTheLogOfTheSoftmaxAlongItsAxis(int axis)
    {
        var x = Tensor.Normal(new Rng(3), 0f, 2f, 4, 5, 3);
        var y = new LogSoftmax(axis).Forward(x).ToArray();
        var p = new Softmax(axis).Forward(x).ToArray();
        for (int i = 0; i < y.Length; i++) Assert.True(Math.Abs(MathF.Log(p[i]) - y[i]) <= 1e-5f, $"{i}: {y[i]} vs log {p[i]}");
    }

    [Fact]
    public void ANetworkFileKeepsItsAxis()
    {
        var dir = Directory.CreateTempSubdirectory("theta-logsoftmax-").FullName;
        var path = Path.Combine(dir, "net.theta");
        NetworkFile.Save(new Sequential(new Linear(3, 4, new Rng(1)), new LogSoftmax(1)), path);
        var back = NetworkFile.Load(path);
        Assert.Equal(1, Assert.IsType<LogSoftmax>(back[1]).Axis);
        Directory.Delete(dir, recursive: true);
    }
}
