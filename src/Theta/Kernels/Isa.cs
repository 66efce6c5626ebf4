using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Theta.Kernels;

/// <summary>
/// Which vector code Theta's hand-written kernels run, chosen once per process:
/// <c>THETA_ISA=avx512|avx2|portable</c> when set (a path this CPU cannot run is an error, never a
/// silent fallback), otherwise the widest path the CPU runs <em>and</em> that pays: AVX-512 only where
/// <see cref="Vector512.IsHardwareAccelerated"/> and <see cref="Avx512F"/> hold and the start-up probe
/// (<see cref="IsaProbe"/>: the 12×32 tile against the 6×16 one on the same packed panels) finds it
/// at least <see cref="Avx512Margin"/> faster per FLOP (on Zen 4, whose 512-bit FMAs are two 256-bit
/// halves, it may not be). The same decision picks the implicit-GEMM convolution's 512-bit tiles (<see cref="ConvImplicit"/>):
/// they are the same broadcast-and-FMA loop over L1-resident panels, so they pay where the GEMM tile does (the reasoning,
/// and the device measurement that must confirm it, in docs/benchmarks.md).
/// Every path computes each output of the GEMM as the same chain of FMAs, so the choice changes the
/// speed, never the bits. NOTE: TensorPrimitives (the elementwise kernels and the optimizers' updates)
/// picks its own width from the runtime; to hold it to 256 bits as well, start the process with
/// <c>DOTNET_PreferredVectorBitWidth=256</c>.
/// </summary>
internal static class Isa
{
    /// <summary>The 12×32 tile must beat the 6×16 one by this factor per FLOP to be chosen.</summary>
    public const double Avx512Margin = 1.05;

    private static GemmPath? _current;

    /// <summary>What the start-up choice found: the probe's ratio (null when it did not run) and why.</summary>
    public static string Reason { get; private set; } = "";

    /// <summary>The path in use (resolved on first use; throws where THETA_ISA names one this CPU lacks).</summary>
    public static GemmPath Current => _current ??= Resolve(Environment.GetEnvironmentVariable("THETA_ISA"));

    /// <summary>Whether this CPU runs <paramref name="path"/> in hardware.</summary>
    public static bool Supported(GemmPath path) => path switch
    {
        GemmPath.Avx512 => Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Avx2.IsSupported && Fma.IsSupported,
        GemmPath.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        _ => true,
    };

    /// <summary>The paths this CPU runs, widest first.</summary>
    public static GemmPath[] SupportedPaths => [.. new[] { GemmPath.Avx512, GemmPath.Avx2, GemmPath.Portable }.Where(Supported)];

    /// <summary>The name THETA_ISA uses for a path.</summary>
    public static string Name(GemmPath path) => path switch
    {
        GemmPath.Avx512 => "avx512",
        GemmPath.Avx2 => "avx2",
        _ => "portable",
    };

    /// <summary>The path for a THETA_ISA value (null or empty: choose), or an exception with one clear line.</summary>
    internal static GemmPath Resolve(string? asked)
    {
        if (!string.IsNullOrWhiteSpace(asked))
        {
            GemmPath path = asked.Trim().ToLowerInvariant() switch
            {
                "avx512" => GemmPath.Avx512,
                "avx2" => GemmPath.Avx2,
                "portable" => GemmPath.Portable,
                _ => throw new NotSupportedException($"THETA_ISA={asked}: expected avx512, avx2 or portable."),
            };
            if (!Supported(path))
                throw new NotSupportedException(
                    $"THETA_ISA={asked}: this CPU cannot run the {Name(path)} kernels (it runs: {string.Join(", ", SupportedPaths.Select(Name))}); unset THETA_ISA or choose one of those.");
            Reason = "forced by THETA_ISA";
            return path;
        }
        if (Supported(GemmPath.Avx512))
        {
            double ratio = IsaProbe.Avx512OverAvx2();
            bool pays = ratio >= Avx512Margin;
            Reason = FormattableString.Invariant($"start-up probe: the 12×32 tile ran {ratio:F2}× the 6×16 one per FLOP ({(pays ? "≥" : "<")} {Avx512Margin:F2})");
            if (pays) return GemmPath.Avx512;
            return GemmPath.Avx2;
        }
        Reason = Supported(GemmPath.Avx2) ? "no AVX-512 on this CPU" : "no AVX2 + FMA on this CPU";
        return Supported(GemmPath.Avx2) ? GemmPath.Avx2 : GemmPath.Portable;
    }
}
