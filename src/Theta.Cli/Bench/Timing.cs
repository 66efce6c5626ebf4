using System.Diagnostics;

namespace Theta.Cli.Bench;

/// <summary>Throughput of one sample set: min, median and max over the samples.</summary>
internal readonly record struct Throughput(double Min, double Median, double Max);

/// <summary>
/// The benchmark timing protocol: warm up (≥ 250 ms, so the JIT has tiered up), time one call,
/// then take <c>reps</c> samples, each looping enough calls to last ≥ 50 ms; report rates
/// (work per second) as min / median / max over the samples.
/// </summary>
internal static class Timing
{
    public static Throughput Measure(Action call, double workPerCall, int reps)
    {
        var clock = Stopwatch.StartNew();
        int warm = 0;
        while (warm < 3 || clock.Elapsed.TotalMilliseconds < 250) { call(); warm++; }

        clock.Restart();
        call();
        double one = Math.Max(clock.Elapsed.TotalSeconds, 1e-7);
        int calls = Math.Max(1, (int)Math.Ceiling(0.05 / one));

        var rates = new double[reps];
        for (int r = 0; r < reps; r++)
        {
            clock.Restart();
            for (int i = 0; i < calls; i++) call();
            rates[r] = workPerCall * calls / clock.Elapsed.TotalSeconds;
        }
        Array.Sort(rates);
        return new Throughput(rates[0], Median(rates), rates[^1]);
    }

    /// <summary>Median of sorted values (mean of the middle two for an even count).</summary>
    public static double Median(double[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}
