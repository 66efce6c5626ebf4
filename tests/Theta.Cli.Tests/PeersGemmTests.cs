using System.Text.Json;

namespace Theta.Cli.Tests;

/// <summary><c>Theta.Peers gemm</c> (bench/Theta.Peers) names its kernel path and both FMA ceilings; THETA_ISA forces a path or fails in one line.</summary>
public sealed class PeersGemmTests
{
    private static readonly string[] Tiny = ["gemm", "--sizes", "24", "--threads", "1", "--reps", "1", "--json"];

    [Theory]
    [InlineData("avx2")]
    [InlineData("portable")]
    public void ReportsTheForcedPathAndBothCeilings(string isa)
    {
        var r = Cli.RunPeers(new Dictionary<string, string> { ["THETA_ISA"] = isa }, Tiny);
        Assert.True(r.ExitCode == 0, r.Err);
        JsonElement row = JsonDocument.Parse(r.Out).RootElement[0];
        Assert.Equal(isa, row.GetProperty("path").GetString());
        Assert.True(row.GetProperty("fmaPeakGflops").GetDouble() > 0);
        Assert.True(row.TryGetProperty("fmaPeak512Gflops", out _));   // null on a CPU without AVX-512
        Assert.True(row.GetProperty("ofCeiling").GetDouble() > 0);
    }

    [Fact]
    public void ABadIsaIsOneClearLine()
    {
        var r = Cli.RunPeers(new Dictionary<string, string> { ["THETA_ISA"] = "sse9" }, Tiny);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("Theta.Peers: error: THETA_ISA=sse9: expected avx512, avx2 or portable.", r.Err.Trim());
    }

    [Fact]
    public void ABadSizeFails() => Assert.NotEqual(0, Cli.RunPeers(null, "gemm", "--sizes", "12x").ExitCode);
}
