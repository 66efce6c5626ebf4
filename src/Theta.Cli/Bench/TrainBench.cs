using System.Diagnostics;

namespace Theta.Cli.Bench;

/// <summary>
/// One network at one thread count: training and inference examples/s (min / median / max over
/// passes), single-sample latency, and memory: managed bytes allocated per training step, gen-0
/// collections per 1,000 steps, and the process's peak working set when the row was finished.
/// </summary>
internal sealed record TrainResult(string Network, int Threads, Throughput Train, Throughput Infer,
    double LatencyMicroseconds, double AllocatedBytesPerStep, double Gen0Per1000Steps, double PeakWorkingSetMiB, float FinalLoss);

/// <summary>
/// <c>theta bench train</c>: the protocol of ../shared/peers/py/bench_train_torch.py, step for step —
/// a fresh seeded workload per (network, threads); its warm-up batches; then <c>passes</c> timed passes of
/// the same batch counts (156 batches of 64 for the MLPs, 40 for the CNN), each one examples/s figure;
/// inference likewise with batches of 256 under NoGrad. Latency: median of 501 single-sample forwards.
/// Every measurement is preceded by the protocol's warm-up and then by at least a second or two of
/// more warm-up, so that the JIT has finished optimising (PyTorch needs none).
/// </summary>
internal static class TrainBench
{
    /// <summary>Seconds of training steps before the timed passes (see the NOTE in RunOne).</summary>
    public const double WarmupSeconds = 2.0;

    public static List<TrainResult> Run(string[] networks, int[] threads, int passes, Action<string>? status = null)
    {
        var results = new List<TrainResult>();
        int saved = ThetaRuntime.Threads;
        try
        {
            foreach (string net in networks)
                foreach (int t in threads)
                {
                    ThetaRuntime.Threads = t;
                    status?.Invoke($"{net}, {t} thread(s)");
                    results.Add(RunOne(net, t, passes));
                }
        }
        finally { ThetaRuntime.Threads = saved; }
        return results;
    }

    private static TrainResult RunOne(string network, int threads, int passes)
    {
        var w = new TrainWorkload(network);
        var (nb, warm) = w.TrainBatches;
        float loss = 0;
        for (int i = 0; i < warm; i++) loss = w.Step();
        // NOTE: the protocol's 20 (or 10) warm-up batches are enough for PyTorch, which has no JIT; .NET
        // compiles a method first quickly, then again optimised (and profile-guided) once it is hot,
        // which takes a second or two of running. Training runs for minutes, so what matters is the
        // steady state: keep warming up for at least WarmupSeconds before the timed passes.
        var warmClock = Stopwatch.StartNew();
        while (warmClock.Elapsed.TotalSeconds < WarmupSeconds) loss = w.Step();

        var clock = new Stopwatch();
        var rates = new double[passes];
        long bytes0 = GC.GetAllocatedBytesForCurrentThread(), gen0 = GC.CollectionCount(0);
        for (int p = 0; p < passes; p++)
        {
            clock.Restart();
            for (int i = 0; i < nb; i++) loss = w.Step();
            rates[p] = nb * TrainWorkload.Batch / clock.Elapsed.TotalSeconds;
        }
        double steps = (double)passes * nb;
        double allocPerStep = (GC.GetAllocatedBytesForCurrentThread() - bytes0) / steps;
        double gen0Per1000 = (GC.CollectionCount(0) - gen0) * 1000 / steps;

        var (ib, iwarm) = w.InferBatches;
        for (int j = 0; j < iwarm; j++) w.Infer(j);
        warmClock.Restart();
        for (int j = 0; warmClock.Elapsed.TotalSeconds < WarmupSeconds / 2; j++) w.Infer(j);
        var irates = new double[passes];
        for (int p = 0; p < passes; p++)
        {
            clock.Restart();
            for (int j = 0; j < ib; j++) w.Infer(j);
            irates[p] = ib * TrainWorkload.InferBatch / clock.Elapsed.TotalSeconds;
        }

        warmClock.Restart();
        while (warmClock.Elapsed.TotalSeconds < WarmupSeconds / 4) w.InferOne();
        var lat = new double[501];
        for (int i = 0; i < lat.Length; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            w.InferOne();
            lat[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
        }
        Array.Sort(lat);
        double peak = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
        return new TrainResult(network, threads, Stats(rates), Stats(irates), Timing.Median(lat), allocPerStep, gen0Per1000, peak, loss);
    }

    private static Throughput Stats(double[] xs)
    {
        Array.Sort(xs);
        return new Throughput(xs[0], Timing.Median(xs), xs[^1]);
    }
}
