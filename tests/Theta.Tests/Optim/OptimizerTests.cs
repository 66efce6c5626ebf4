using Theta.Nn;
using Theta.Optim;

namespace Theta.Tests.Optim;

public sealed class OptimizerTests
{
    [Fact]
    public void BadOptionsNameTheFieldAndValue()
    {
        var e = Assert.Throws<ArgumentException>(() => new AdamOptions(LearningRate: -1f));
        Assert.Contains("LearningRate", e.Message);
        Assert.Contains("-1", e.Message);
        Assert.Throws<ArgumentException>(() => new SgdOptions() with { LearningRate = 0f });
        Assert.Contains("Beta2", Assert.Throws<ArgumentException>(() => new AdamOptions(Beta2: 1f)).Message);
        Assert.Throws<ArgumentException>(() => new MomentumOptions() with { Momentum = -0.1f });
        Assert.Throws<ArgumentException>(() => new AdamWOptions(WeightDecay: -1f));
        var opt = new Sgd([Tensor.Zeros(1).RequireGrad()]);
        Assert.Throws<ArgumentException>(() => opt.LearningRate = 0f);
    }

    [Fact]
    public void DefaultsAreThePapers()
    {
        var o = new AdamOptions();
        Assert.Equal((1e-3f, 0.9f, 0.999f, 1e-8f, 0f), (o.LearningRate, o.Beta1, o.Beta2, o.Epsilon, o.WeightDecay));
        Assert.Equal(0.01f, new AdamWOptions().WeightDecay);
        Assert.Equal((1f, 0.9f, 1e-6f), (new AdadeltaOptions().LearningRate, new AdadeltaOptions().Rho, new AdadeltaOptions().Epsilon));
    }

    [Fact]
    public void StateRestoresBitIdentically()
    {
        static void Steps(Tensor p, Optimizer opt, int n)
        {
            for (int i = 0; i < n; i++)
            {
                opt.ZeroGrad();
                (p * p * p).Sum().Backward();
                opt.Step();
            }
        }
        var p1 = Tensor.FromArray([1f, -2f, 0.5f]).RequireGrad();
        var a = new Adam([p1], new(LearningRate: 0.05f));
        Steps(p1, a, 2);
        var saved = a.GetState();
        var savedTheta = p1.ToArray();
        Steps(p1, a, 3);

        var p2 = Tensor.FromArray(savedTheta).RequireGrad();
        var b = new Adam([p2]);
        b.SetState(saved);
        Assert.Equal(2, b.StepCount);
        Assert.Equal(0.05f, b.LearningRate);
        Steps(p2, b, 3);
        Assert.Equal(p1.ToArray(), p2.ToArray());
        Assert.Equal(["0.m", "0.v"], a.State.Keys.Order());
        Assert.Throws<ArgumentException>(() => new Sgd([p2]).SetState(saved));
    }

    [Fact]
    public void AdamLearnsXorToFullTrainingAccuracy()
    {
        // XOR-like data: label 1 when x₀ and x₁ have the same sign (not linearly separable).
        var rng = new Rng(31);
        var x = Tensor.Uniform(rng, -1f, 1f, 64, 2);
        var labels = new float[64];
        for (int i = 0; i < 64; i++) labels[i] = x[i, 0] * x[i, 1] > 0 ? 1f : 0f;
        var y = Tensor.FromArray(labels, 64, 1);
        var net = new Sequential(new Linear(2, 16, rng), new Tanh(), new Linear(16, 1, rng));
        var opt = new Adam(net.Parameters(), new(LearningRate: 0.05f));

        float first = 0, last = 0;
        for (int step = 0; step < 400; step++)
        {
            opt.ZeroGrad();
            var loss = Loss.BinaryCrossEntropyWithLogits(net.Forward(x), y);
            if (step == 0) first = loss.Item();
            last = loss.Item();
            loss.Backward();
            opt.Step();
        }
        var logits = net.Forward(x);
        int correct = Enumerable.Range(0, 64).Count(i => (logits[i, 0] > 0) == (labels[i] == 1f));
        Assert.True(last < 0.5f * first, $"loss {first} → {last}");
        Assert.Equal(64, correct);
    }
}
