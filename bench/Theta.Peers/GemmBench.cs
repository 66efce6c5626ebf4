using Theta.Kernels;
using Theta.Cli.Bench;

namespace Theta.Peers;

/// <summary>
/// One row of <c>Theta.Peers gemm</c>: Theta (on <paramref name="Path"/>) and OpenBLAS on one shape and thread count,
/// GFLOP/s, with the FMA ceilings of both widths on as many threads.
/// </summary>
internal sealed record GemmResult(int M, int K, int N, int Threads, Throughput Theta, Throughput? OpenBlas,
    Throughput? FmaPeak, Throughput? FmaPeak512, string Path)
{
    /// <summary>Theta's median over OpenBLAS's median (null without OpenBLAS).</summary>
    public double? Ratio => OpenBlas is { } o ? Theta.Median / o.Median : null;

    /// <summary>Theta's median over the best FMA sample of its own path's width (512 bits on avx512, else 256).</summary>
    public double? OfCeiling => (Path == "avx512" ? FmaPeak512 : FmaPeak) is { } p ? Theta.Median / p.Max : null;
}

/// <summary>
/// Runs the GEMM benchmark: for each thread count, the FMA peaks (256 and 512 bits), then for each shape Theta and
/// OpenBLAS in the same process on the same operands (C = A·B, row-major, fp32), by <see cref="Timing"/>.
/// </summary>
internal static class GemmBench
{
    public static List<GemmResult> Run(IReadOnlyList<GemmShape> shapes, IReadOnlyList<int> threadCounts, int reps,
        Action<string>? progress = null)
    {
        var results = new List<GemmResult>();
        foreach (int threads in threadCounts)
        {
            progress?.Invoke($"FMA peak, {threads} thread(s)");
            Throughput? peak = FmaPeak.Measure(threads, reps), peak512 = FmaPeak.Measure(threads, reps, bits: 512);
            foreach (GemmShape shape in shapes)
            {
                progress?.Invoke($"{shape}, {threads} thread(s)");
                using var work = new GemmWorkload(shape);
                Throughput theta = Timing.Measure(() => work.RunTheta(threads), shape.Flops / 1e9, reps);
                Throughput? blas = null;
                if (OpenBlas.IsAvailable)
                {
                    OpenBlas.SetThreads(threads);
                    blas = Timing.Measure(work.RunOpenBlas, shape.Flops / 1e9, reps);
                    // NOTE: OpenBLAS's idle workers spin for a while after a call; let them go to
                    // sleep so they do not steal a core from the next Theta measurement.
                    if (threads > 1) Thread.Sleep(300);
                }
                results.Add(new GemmResult(shape.M, shape.K, shape.N, threads, theta, blas, peak, peak512, Isa.Name(Isa.Current)));
            }
        }
        return results;
    }
}
