using Theta.Nn;

namespace Theta.Rl.Tests;

// The span Q-network against Theta's autograd on the same Sequential: the same Q-values, and the same parameter
// gradients for a random upstream gradient dQ (random, not all ones, so a swapped index cannot hide).
public class QNetworkTests
{
    [Theory]
    [InlineData(59, new[] { 50, 50 }, 64)] // the reference network, one batch
    [InlineData(59, new[] { 50, 50 }, 1)]  // one row (acting)
    [InlineData(27, new[] { 7 }, 5)]       // one hidden layer, odd sizes
    [InlineData(91, new[] { 33, 17, 9 }, 13)]
    public void Forward_and_backward_match_autograd(int inputs, int[] hidden, int batch)
    {
        var rng = new Rng(11);
        var net = DqnAgent.NewNetwork(new DqnOptions { Hidden = hidden }, inputs, 5, rng);
        var x = new float[batch * inputs];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextFloat() * 2 - 0.5f;
        var dQ = new float[batch * 5];
        for (int i = 0; i < dQ.Length; i++) dQ[i] = (float)rng.NextNormal();

        var q = new QNetwork(net, batch);
        q.ZeroGrad();
        var fastQ = q.Forward(x).ToArray();
        q.Backward(dQ);
        var fastGrads = net.NamedParameters().Select(p => p.Parameter.Grad!.ToArray()).ToArray();

        net.ZeroGrad();
        var y = net.Forward(Tensor.FromArray(x, batch, inputs));
        y.Backward(Tensor.FromArray(dQ, batch, 5));
        AssertClose(y.ToArray(), fastQ, "Q");
        var names = net.NamedParameters().Select(p => p.Name).ToArray();
        var slowGrads = net.NamedParameters().Select(p => p.Parameter.Grad!.ToArray()).ToArray();
        for (int i = 0; i < names.Length; i++) AssertClose(slowGrads[i], fastGrads[i], names[i]);
        Assert.Contains(fastGrads[0], g => g != 0); // the check compared something
    }

    [Fact]
    public void Backward_adds_into_the_gradients()
    {
        var rng = new Rng(3);
        var net = DqnAgent.NewNetwork(new DqnOptions(), 59, 5, rng);
        var x = new float[2 * 59];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextFloat();
        float[] dQ = [1, 0, 0, 0, 0, 0, 0, -1, 0, 0];
        var q = new QNetwork(net, 2);
        q.ZeroGrad();
        q.Forward(x);
        q.Backward(dQ);
        var once = net.NamedParameters().First().Parameter.Grad!.ToArray();
        q.Backward(dQ);
        var twice = net.NamedParameters().First().Parameter.Grad!.ToArray();
        for (int i = 0; i < once.Length; i++) Assert.Equal(2 * once[i], twice[i], 5);
    }

    [Fact]
    public void Only_linear_relu_stacks_are_accepted()
    {
        var rng = new Rng(1);
        Assert.Throws<ArgumentException>(() => QNetwork.Layers(new Sequential(new Linear(4, 3, rng), new Sigmoid(), new Linear(3, 5, rng))));
        Assert.Throws<ArgumentException>(() => QNetwork.Layers(new Sequential(new Linear(4, 3, rng), new ReLU())));
        Assert.Throws<ArgumentException>(() => QNetwork.Layers(new Sequential(new Linear(4, 3, rng), new ReLU(), new Linear(4, 5, rng))));
        Assert.Equal(2, QNetwork.Layers(new Sequential(new Linear(4, 3, rng), new ReLU(), new Linear(3, 5, rng))).Length);
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float scale = Math.Max(1e-3f, expected.Max(MathF.Abs));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(MathF.Abs(expected[i] - actual[i]) <= 1e-5f * scale, $"{what}[{i}]: autograd {expected[i]}, span kernel {actual[i]}");
    }
}
