using System.Reflection;

namespace Theta.Tests.Autograd;

public sealed class OpRegistryTests
{
    public static TheoryData<string> CaseIds()
    {
        var d = new TheoryData<string>();
        foreach (var c in OpRegistry.Cases) d.Add(c.Id);
        return d;
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void GradientMatchesCentralDifferences(string id)
    {
        var c = OpRegistry.Find(id);
        var inputs = c.Inputs(new Rng(1234));
        var r = OpGradCheck.Run(c.F, inputs, seed: 99);
        Assert.True(r.MaxRelError < 1e-2, $"{id}: max relative error {r.MaxRelError:G3} at {r.Worst}");
    }

    [Fact]
    public void EveryOpHasAGradientCheck()
    {
        var ops = typeof(Tensor).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => m.GetCustomAttribute<OpAttribute>()?.Name)
            .OfType<string>()
            .ToHashSet();
        Assert.NotEmpty(ops);
        var covered = OpRegistry.Cases.Select(c => c.Op).ToHashSet();
        var missing = ops.Except(covered).Order().ToList();
        Assert.True(missing.Count == 0, "ops without a gradient check: " + string.Join(", ", missing));
        var unknown = covered.Except(ops).Order().ToList();
        Assert.True(unknown.Count == 0, "registry cases for ops that do not exist: " + string.Join(", ", unknown));
    }

    [Fact]
    public void GradCheckCatchesAWrongGradient()
    {
        // A deliberately wrong backward (d/dx x·x reported as x, not 2x) must fail the check.
        Func<Tensor[], Tensor> f = t => t[0] * t[0].Detach();
        var r = OpGradCheck.Run(f, [Tensor.Uniform(new Rng(3), 0.5f, 2f, 4)], seed: 1);
        Assert.True(r.MaxRelError > 0.3, $"the check should have failed, got {r.MaxRelError}");
    }
}
