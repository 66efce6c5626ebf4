using Theta.Nn;
using Theta.Optim;

namespace Theta.Tests.Nn;

public sealed class SymmetryTests
{
    // Why random initialisation matters. In the lecture's network (40 → 20 sigmoid → 1 sigmoid, no
    // biases) hidden unit j has weights W1[j, :] in and W2[0, j] out. If every weight starts equal,
    // every hidden unit computes the same function, so each receives the same gradient, and after
    // any number of steps they are still identical: 20 units are no better than 1.
    private static float Spread(Sequential net, int steps)
    {
        var rng = new Rng(21);
        var x = Tensor.Normal(rng, 0f, 1f, 32, 40);
        var labels = new float[32];
        for (int i = 0; i < 32; i++) labels[i] = x[i, 0] * x[i, 1] > 0 ? 1f : 0f;
        var y = Tensor.FromArray(labels, 32, 1);
        var opt = new Sgd(net.Parameters(), new SgdOptions(LearningRate: 0.5f));
        for (int s = 0; s < steps; s++)
        {
            opt.ZeroGrad();
            Loss.BinaryCrossEntropyWithLogits(net.Forward(x), y).Backward();
            opt.Step();
        }
        // The largest difference between any hidden unit's incoming weights and unit 0's.
        var w1 = ((Linear)net[0]).Weight;
        float spread = 0;
        for (int j = 1; j < 20; j++)
            for (int k = 0; k < 40; k++) spread = MathF.Max(spread, MathF.Abs(w1[j, k] - w1[0, k]));
        return spread;
    }

    // Logits out (the loss applies the output sigmoid).
    private static Sequential Net(Initializer? init) => new(
        new Linear(40, 20, new Rng(22), bias: false, init), new Sigmoid(),
        new Linear(20, 1, new Rng(23), bias: false, init));

    [Fact]
    public void EqualStartsStayEqualRandomStartsDoNot()
    {
        var same = Net((w, _) => Init.Constant(w, 0.1f));
        var random = Net(null);
        float before = Spread(random, 0);
        float equalAfter = Spread(same, 50);
        float randomAfter = Spread(random, 50);
        Assert.True(equalAfter < 1e-5f, $"equal start: spread {equalAfter}");
        Assert.NotEqual(0.1f, ((Linear)same[0]).Weight[0, 0]); // it did train
        Assert.True(randomAfter > 0.1f && before > 0.1f, $"random start: spread {before} → {randomAfter}");
    }
}
