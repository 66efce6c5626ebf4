using Theta.Optim;

namespace Theta.Tests.Optim;

// Each optimizer against a trajectory computed by hand. The problem: f(θ) = ½·Σ aᵢ(θᵢ − cᵢ)², so
// ∂f/∂θᵢ = aᵢ(θᵢ − cᵢ), from θ = (1, −2, 0.5) with a = (1, 2, 3), c = (0.25, 0.5, −1). (The offset c
// matters: with c = 0, g + λθ = (a + λ)θ is a rescaled g, and Adam, being scale-invariant,
// could not tell coupled L2 from none.) The gradient comes from autograd; the
// expected θ after each of 3 steps is computed in this file, in double, from the update formula
// written beside each case (per coordinate: the problem is separable). s is that coordinate's
// state (velocity, moments …), starting at 0; t counts steps from 1.
public sealed class TrajectoryTests
{
    private static readonly double[] A = [1, 2, 3];
    private static readonly double[] C = [0.25, 0.5, -1];
    private static readonly float[] Theta0 = [1f, -2f, 0.5f];

    private delegate double Rule(double theta, double g, int t, double[] s);

    private static readonly Dictionary<string, (Func<Tensor, Optimizer> Make, Rule Expected)> Cases = new()
    {
        // θ ← θ − η·g
        ["sgd"] = (p => new Sgd([p], new(LearningRate: 0.1f)), (th, g, t, s) => th - 0.1 * g),
        // L2 (coupled): g ← g + λθ
        ["sgd_l2"] = (p => new Sgd([p], new(LearningRate: 0.1f, WeightDecay: 0.5f)), (th, g, t, s) => th - 0.1 * (g + 0.5 * th)),
        // L1: g ← g + λ·sign(θ)
        ["sgd_l1"] = (p => new Sgd([p], new(LearningRate: 0.1f, L1Decay: 0.3f)), (th, g, t, s) => th - 0.1 * (g + 0.3 * Math.Sign(th))),
        // b ← μb + g; θ ← θ − ηb
        ["momentum"] = (p => new Momentum([p], new(LearningRate: 0.1f, Momentum: 0.9f)), (th, g, t, s) =>
        {
            s[0] = 0.9 * s[0] + g;
            return th - 0.1 * s[0];
        }),
        // b ← μb + g; θ ← θ − η(g + μb)
        ["nesterov"] = (p => new Nesterov([p], new(LearningRate: 0.1f, Momentum: 0.9f)), (th, g, t, s) =>
        {
            s[0] = 0.9 * s[0] + g;
            return th - 0.1 * (g + 0.9 * s[0]);
        }),
        // s ← s + g²; θ ← θ − η·g/(√s + ε)
        ["adagrad"] = (p => new Adagrad([p], new(LearningRate: 0.5f)), (th, g, t, s) =>
        {
            s[0] += g * g;
            return th - 0.5 * g / (Math.Sqrt(s[0]) + 1e-10);
        }),
        // s ← ρs + (1−ρ)g²; Δ = √(u+ε)/√(s+ε)·g; u ← ρu + (1−ρ)Δ²; θ ← θ − ηΔ
        ["adadelta"] = (p => new Adadelta([p], new(LearningRate: 1f, Rho: 0.9f, Epsilon: 1e-2f)), (th, g, t, s) =>
        {
            s[0] = 0.9 * s[0] + 0.1 * g * g;
            double delta = Math.Sqrt(s[1] + 1e-2) / Math.Sqrt(s[0] + 1e-2) * g;
            s[1] = 0.9 * s[1] + 0.1 * delta * delta;
            return th - 1.0 * delta;
        }),
        // s ← αs + (1−α)g²; θ ← θ − η·g/(√s + ε)
        ["rmsprop"] = (p => new RmsProp([p], new(LearningRate: 0.01f, Alpha: 0.99f)), (th, g, t, s) =>
        {
            s[0] = 0.99 * s[0] + 0.01 * g * g;
            return th - 0.01 * g / (Math.Sqrt(s[0]) + 1e-8);
        }),
        // m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; m̂ = m/(1−β₁ᵗ); v̂ = v/(1−β₂ᵗ); θ ← θ − η·m̂/(√v̂ + ε)
        ["adam"] = (p => new Adam([p], new(LearningRate: 0.1f)), (th, g, t, s) => AdamRule(th, g, t, s)),
        // Adam with coupled L2: the Adam rule on g + λθ
        ["adam_l2"] = (p => new Adam([p], new(LearningRate: 0.1f, WeightDecay: 0.5f)), (th, g, t, s) => AdamRule(th, g + 0.5 * th, t, s)),
        // AdamW: θ ← θ(1 − ηλ) first, then the Adam rule on g alone (g taken at the undecayed θ)
        ["adamw"] = (p => new AdamW([p], new(LearningRate: 0.1f, WeightDecay: 0.5f)), (th, g, t, s) => AdamRule(th * (1 - 0.1 * 0.5), g, t, s)),
    };

    private static double AdamRule(double th, double g, int t, double[] s)
    {
        const double lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        s[0] = b1 * s[0] + (1 - b1) * g;
        s[1] = b2 * s[1] + (1 - b2) * g * g;
        double mHat = s[0] / (1 - Math.Pow(b1, t)), vHat = s[1] / (1 - Math.Pow(b2, t));
        return th - lr * mHat / (Math.Sqrt(vHat) + eps);
    }

    public static IEnumerable<object[]> Names() => Cases.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(Names))]
    public void ThreeStepsMatchTheFormula(string name)
    {
        var (make, rule) = Cases[name];
        var p = Tensor.FromArray(Theta0).RequireGrad();
        var a = Tensor.FromArray(A.Select(v => (float)v).ToArray());
        var c = Tensor.FromArray(C.Select(v => (float)v).ToArray());
        var opt = make(p);

        var expected = Theta0.Select(v => (double)v).ToArray();
        var state = A.Select(_ => new double[2]).ToArray();
        for (int t = 1; t <= 3; t++)
        {
            opt.ZeroGrad();
            var d = p - c;
            (0.5f * (a * d * d).Sum()).Backward(); // ∂f/∂θᵢ = aᵢ(θᵢ − cᵢ)
            opt.Step();
            for (int i = 0; i < A.Length; i++) expected[i] = rule(expected[i], A[i] * (expected[i] - C[i]), t, state[i]);
            for (int i = 0; i < A.Length; i++)
                Assert.True(Math.Abs(p[i] - expected[i]) <= 1e-5 * (1 + Math.Abs(expected[i])),
                    $"{name}, step {t}, θ[{i}] = {p[i]}, expected {expected[i]}");
        }
        Assert.Equal(3, opt.StepCount);
    }

    [Fact]
    public void ParametersWithoutGradientAreSkipped()
    {
        var p = Tensor.FromArray([1f, 2f]).RequireGrad();
        var q = Tensor.FromArray([3f]).RequireGrad();
        var opt = new Adam([p, q], new(LearningRate: 0.1f));
        q.Grad = Tensor.FromArray([1f]);
        opt.Step();
        Assert.Equal([1f, 2f], p.ToArray());
        Assert.Equal(3f - 0.1f, q[0], 5); // Adam's first step is η·sign(g)
        Assert.Equal([0f, 0f], opt.State["0.m"]);
    }
}
