using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Theta.Cli.Bench;

namespace Theta.Peers;

/// <summary>
/// The machine's fp32 FMA ceiling, measured in C#, at 256 and at 512 bits: each thread runs 12 independent
/// chains of FMAs (c = c·a + b), enough to cover FMA latency × throughput on current x86 cores (4 cycles × 2 pipes
/// needs 8). 16 FLOP per 256-bit FMA, 32 per 512-bit one. The 256-bit kernel is ../shared/peers/ceiling/fma_peak.c's.
/// Every GEMM figure reads as a fraction of the ceiling of the width its path uses (<see cref="Theta.Kernels.Isa"/>).
/// </summary>
internal static class FmaPeak
{
    private const long Iterations = 20_000_000; // per thread and sample: 20e6 · 12 · 16 = 3.84 GFLOP (7.68 at 512 bits)

    /// <summary>GFLOP/s over <paramref name="threads"/> threads at <paramref name="bits"/> = 256 or 512 (null where the CPU has no such FMA).</summary>
    public static Throughput? Measure(int threads, int reps, int bits = 256)
    {
        bool wide = bits == 512;
        if (wide ? !(Vector512.IsHardwareAccelerated && Avx512F.IsSupported) : !Fma.IsSupported) return null;
        Func<long, float, float> chains = wide ? Chains512 : Chains256;
        chains(Iterations / 4, 1f); // warm-up (~50 ms): JIT and clock ramp
        var rates = new double[reps];
        for (int r = 0; r < reps; r++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => chains(Iterations, t));
            rates[r] = threads * Iterations * 12.0 * (wide ? 32 : 16) / clock.Elapsed.TotalSeconds / 1e9;
        }
        Array.Sort(rates);
        return new Throughput(rates[0], Timing.Median(rates), rates[^1]);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains256(long iterations, float seed)
    {
        Vector256<float> a = Vector256.Create(0.999999f), b = Vector256.Create(1e-7f);
        Vector256<float> c0 = Vector256.Create(seed), c1 = c0 + b, c2 = c1 + b, c3 = c2 + b, c4 = c3 + b, c5 = c4 + b;
        Vector256<float> c6 = c5 + b, c7 = c6 + b, c8 = c7 + b, c9 = c8 + b, c10 = c9 + b, c11 = c10 + b;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Fma.MultiplyAdd(c0, a, b); c1 = Fma.MultiplyAdd(c1, a, b); c2 = Fma.MultiplyAdd(c2, a, b);
            c3 = Fma.MultiplyAdd(c3, a, b); c4 = Fma.MultiplyAdd(c4, a, b); c5 = Fma.MultiplyAdd(c5, a, b);
            c6 = Fma.MultiplyAdd(c6, a, b); c7 = Fma.MultiplyAdd(c7, a, b); c8 = Fma.MultiplyAdd(c8, a, b);
            c9 = Fma.MultiplyAdd(c9, a, b); c10 = Fma.MultiplyAdd(c10, a, b); c11 = Fma.MultiplyAdd(c11, a, b);
        }
        Vector256<float> s = ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11));
        return s.ToScalar(); // keeps the chains alive
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains512(long iterations, float seed)
    {
        Vector512<float> a = Vector512.Create(0.999999f), b = Vector512.Create(1e-7f);
        Vector512<float> c0 = Vector512.Create(seed), c1 = c0 + b, c2 = c1 + b, c3 = c2 + b, c4 = c3 + b, c5 = c4 + b;
        Vector512<float> c6 = c5 + b, c7 = c6 + b, c8 = c7 + b, c9 = c8 + b, c10 = c9 + b, c11 = c10 + b;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Avx512F.FusedMultiplyAdd(c0, a, b); c1 = Avx512F.FusedMultiplyAdd(c1, a, b); c2 = Avx512F.FusedMultiplyAdd(c2, a, b);
            c3 = Avx512F.FusedMultiplyAdd(c3, a, b); c4 = Avx512F.FusedMultiplyAdd(c4, a, b); c5 = Avx512F.FusedMultiplyAdd(c5, a, b);
            c6 = Avx512F.FusedMultiplyAdd(c6, a, b); c7 = Avx512F.FusedMultiplyAdd(c7, a, b); c8 = Avx512F.FusedMultiplyAdd(c8, a, b);
            c9 = Avx512F.FusedMultiplyAdd(c9, a, b); c10 = Avx512F.FusedMultiplyAdd(c10, a, b); c11 = Avx512F.FusedMultiplyAdd(c11, a, b);
        }
        Vector512<float> s = ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11));
        return s.ToScalar();
    }
}
