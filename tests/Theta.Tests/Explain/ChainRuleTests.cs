using Theta.Explain;
using Theta.Nn;

namespace Theta.Tests.Explain;

public sealed class ChainRuleTests
{
    // A seeded random network: d inputs, the hidden sizes, act after each, `outputs` logits (1 = sigmoid, ≥ 2 = softmax).
    internal static Sequential Net(ulong seed, int d, int[] hidden, Func<Module> act, int outputs)
    {
        var rng = new Rng(seed);
        var layers = new List<Module>();
        int w = d;
        foreach (int h in hidden) { layers.Add(new Linear(w, h, rng)); layers.Add(act()); w = h; }
        layers.Add(new Linear(w, outputs, rng));
        var net = new Sequential([.. layers]);
        foreach (var p in net.Parameters()) p.Data.CopyTo(Tensor.Uniform(rng, -1.5f, 1.5f, p.Shape.Dims).Data);   // bigger than the default, so no factor is tiny
        return net;
    }

    public static TheoryData<string, int[], int, ulong> Networks => new()
    {
        { "sigmoid", [4], 1, 1 },          // one hidden layer, sigmoid output: three scalar factors
        { "tanh", [5], 3, 2 },             // one hidden layer, softmax output: ∂ŷ/∂hⱼ is a sum over 3 logits
        { "relu", [6, 4], 1, 3 },          // two hidden layers: a vector and a Jacobian between
        { "tanh", [3, 5, 4], 4, 4 },       // three hidden layers, softmax
        { "sigmoid", [], 1, 5 },           // logistic regression: the output layer only
        { "leaky", [4, 3], 3, 6 },
    };

    private static Func<Module> Act(string name) => name switch
    {
        "sigmoid" => () => new Sigmoid(),
        "tanh" => () => new Tanh(),
        "relu" => () => new ReLU(),
        _ => () => new LeakyReLU(0.1f),
    };

    [Theory, MemberData(nameof(Networks))]
    public void TheProductOfFactorsEqualsAutodiffAndFiniteDifferencesForEveryParameter(string act, int[] hidden, int outputs, ulong seed)
    {
        const int d = 5;
        var net = Net(seed, d, hidden, Act(act), outputs);
        var rng = new Rng(seed + 100);
        var stack = new DenseStack(net);
        foreach (var p in ParameterRef.All(stack))
        {
            var x = Tensor.Uniform(rng, -1f, 1f, d).ToArray();
            int label = (int)(rng.NextFloat() * Math.Max(2, outputs)) % Math.Max(2, outputs);
            var e = ChainRule.Explain(net, x, label, p.ToString());
            Assert.Equal(p, e.Parameter);
            // double product vs double central differences: O(ε²) ≈ 1e-6 apart at most
            Assert.True(ChainRule.RelativeError(e.Product, e.FiniteDifference) < 1e-5, $"{p}: product {e.Product} vs finite differences {e.FiniteDifference}");
            // float32 autodiff vs the double product
            Assert.True(ChainRule.RelativeError(e.Autodiff, e.Product) < 1e-4, $"{p}: autodiff {e.Autodiff} vs product {e.Product}");
        }
    }

    [Fact]
    public void OneHiddenLayerIsExactlyThreeNumbers()
    {
        var net = Net(7, 3, [4], () => new Sigmoid(), 1);
        var e = ChainRule.Explain(net, [0.5f, -1f, 2f], 1, "0.weight[2,1]");
        Assert.Equal(["∂LL/∂ŷ", "∂ŷ/∂h₂⁽¹⁾", "∂h₂⁽¹⁾/∂θ"], e.Factors.Select(f => f.Name));
        Assert.All(e.Factors, f => Assert.Equal(FactorKind.Scalar, f.Kind));
        Assert.Equal(e.Product, e.Factors.Aggregate(1.0, (a, f) => a * f.Values[0]), 12);
        // ∂LL/∂ŷ · ∂ŷ/∂z = y − ŷ: the course's shortcut
        double yHat = e.Probabilities[1];
        Assert.Equal(1 - yHat, e.Simplified.Values[0], 12);
        Assert.Equal(1 - yHat, e.Factors[0].Values[0] * yHat * (1 - yHat), 12);
    }

    [Fact]
    public void DefaultParameterIsTheFirstHiddenWeightFromANonZeroInput()
    {
        var net = Net(8, 3, [2], () => new Tanh(), 1);
        Assert.Equal("0.weight[0,1]", ChainRule.Explain(net, [0f, 1f, 1f], 0).Parameter.ToString());
    }

    [Fact]
    public void BadParametersAndNetworksAreClearErrors()
    {
        var net = Net(9, 3, [2], () => new Tanh(), 1);
        var e = Assert.Throws<ArgumentException>(() => ChainRule.Explain(net, [1f, 1f, 1f], 0, "4.weight[0,0]"));
        Assert.Contains("0.weight[0..1,0..2], 0.bias[0..1], 2.weight[0..0,0..1], 2.bias[0..0]", e.Message);
        Assert.Contains("out of range", Assert.Throws<ArgumentException>(() => ChainRule.Explain(net, [1f, 1f, 1f], 0, "0.weight[2,0]")).Message);
        var notProbability = new Sequential(new Linear(3, 2, new Rng(1)), new Tanh());
        Assert.Contains("not a probability", Assert.Throws<ArgumentException>(() => ChainRule.Explain(notProbability, [1f, 1f, 1f], 0)).Message);
    }
}
