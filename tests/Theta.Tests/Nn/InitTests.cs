using Theta.Nn;

namespace Theta.Tests.Nn;

public sealed class InitTests
{
    // Empirical mean and standard deviation of a [200, 300] weight (60 000 draws, seeded) against
    // the formula: U(−a, a) has std a/√3. Tolerances are several standard errors of the estimates.
    public static IEnumerable<object[]> Cases() =>
    [
        // name, expected std (fan_in = 300, fan_out = 200)
        ["uniform", 0.5 / Math.Sqrt(3)],                   // U(−0.5, 0.5)
        ["normal", 0.2],                                   // N(0, 0.2²)
        ["xavier_uniform", Math.Sqrt(2.0 / (300 + 200))],  // a = √(6/(in+out)), std = a/√3
        ["xavier_normal", Math.Sqrt(2.0 / (300 + 200))],
        ["he_uniform", Math.Sqrt(2.0 / 300)],              // a = √(6/in), std = √(2/in)
        ["he_normal", Math.Sqrt(2.0 / 300)],
    ];

    private static Tensor Fill(string name, Rng rng)
    {
        var w = Tensor.Zeros(200, 300);
        return name switch
        {
            "uniform" => Init.Uniform(w, -0.5f, 0.5f, rng),
            "normal" => Init.Normal(w, 0f, 0.2f, rng),
            "xavier_uniform" => Init.XavierUniform(w, rng),
            "xavier_normal" => Init.XavierNormal(w, rng),
            "he_uniform" => Init.HeUniform(w, rng),
            "he_normal" => Init.HeNormal(w, rng),
            _ => throw new ArgumentException(name),
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EmpiricalMomentsMatchTheFormula(string name, double std)
    {
        var d = Fill(name, new Rng(11)).ToArray();
        double mean = d.Average(v => (double)v);
        double sd = Math.Sqrt(d.Average(v => (v - mean) * (v - mean)));
        Assert.True(Math.Abs(mean) < 4 * std / Math.Sqrt(d.Length), $"mean {mean}");
        Assert.True(Math.Abs(sd / std - 1) < 0.02, $"std {sd} vs {std}");
        if (name.EndsWith("uniform")) Assert.True(d.Max(Math.Abs) <= std * Math.Sqrt(3) + 1e-6, "outside the bound");
        Assert.Equal(d, Fill(name, new Rng(11)).ToArray()); // reproducible from the seed
    }

    [Fact]
    public void FansFollowPyTorch()
    {
        Assert.Equal((300, 200), Init.Fans(Tensor.Zeros(200, 300)));
        Assert.Equal((3 * 5 * 5, 8 * 5 * 5), Init.Fans(Tensor.Zeros(8, 3, 5, 5)));
    }

    [Fact]
    public void LayerDefaultsAreBoundedByOneOverRootFanIn()
    {
        var rng = new Rng(12);
        var lin = new Linear(16, 50, rng);
        var conv = new Conv2d(4, 10, 3, rng);
        foreach (var (p, fanIn) in new[] { (lin.Weight, 16), (lin.Bias!, 16), (conv.Weight, 36), (conv.Bias!, 36) })
        {
            float bound = 1f / MathF.Sqrt(fanIn), max = p.ToArray().Max(MathF.Abs);
            Assert.True(max <= bound && max > 0.7f * bound, $"{p.Shape}: max |θ| {max} vs bound {bound}");
        }
    }

    [Fact]
    public void ConstantAndCustomInitialiser()
    {
        var lin = new Linear(3, 2, new Rng(1), bias: false, init: (w, _) => Init.Constant(w, 0.5f));
        Assert.All(lin.Weight.ToArray(), v => Assert.Equal(0.5f, v));
    }
}
