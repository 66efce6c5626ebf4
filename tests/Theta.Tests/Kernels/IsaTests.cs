using Theta.Kernels;

namespace Theta.Tests.Kernels;

/// <summary>THETA_ISA's values: each path this CPU runs is taken as asked; one it cannot run, or a typo, is one clear error.</summary>
public sealed class IsaTests
{
    [Theory]
    [InlineData("avx512")]
    [InlineData("AVX2")]
    [InlineData(" portable ")]
    public void ForcesAPathOrSaysTheCpuLacksIt(string asked)
    {
        GemmPath path = new[] { GemmPath.Avx512, GemmPath.Avx2, GemmPath.Portable }.Single(p => Isa.Name(p) == asked.Trim().ToLowerInvariant());
        if (Isa.Supported(path))
        {
            Assert.Equal(path, Isa.Resolve(asked));
            return;
        }
        var e = Assert.Throws<NotSupportedException>(() => Isa.Resolve(asked));
        Assert.Contains($"THETA_ISA={asked}: this CPU cannot run the {Isa.Name(path)} kernels", e.Message);
        Assert.Contains("portable", e.Message);   // it lists what the CPU does run
    }

    [Fact]
    public void RefusesAnUnknownName()
    {
        var e = Assert.Throws<NotSupportedException>(() => Isa.Resolve("sse9"));
        Assert.Equal("THETA_ISA=sse9: expected avx512, avx2 or portable.", e.Message);
    }

    [Fact]
    public void UnsetChoosesAPathTheCpuRuns()
    {
        GemmPath chosen = Isa.Resolve(null);
        Assert.True(Isa.Supported(chosen));
        // The widest path, except that AVX-512 must also win the start-up probe (else AVX2).
        if (Isa.SupportedPaths[0] == GemmPath.Avx512) Assert.NotEqual(GemmPath.Portable, chosen);
        else Assert.Equal(Isa.SupportedPaths[0], chosen);
    }
}
