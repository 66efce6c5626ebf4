using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Theta.Distributed;

namespace Theta.Cli.Bench;

/// <summary>
/// <c>mpirun -np N theta bench allreduce [--sizes 4K,…,64M] [--reps 7] [--json]</c>: the time of one in-place
/// MPI_Allreduce (sum of float32) through Theta's binding, per message size. For each size: 3 warm-up calls,
/// then <c>reps</c> samples, each a barrier and enough calls to last ≥ 50 ms (the count decided on rank 0 and
/// broadcast, so every rank makes the same calls); rank 0 reports the median sample. Algorithm bandwidth is
/// bytes ÷ time; bus bandwidth is bytes × 2(N−1)/N ÷ time, the bytes each rank sends and receives in a ring
/// all-reduce, comparable across N. bench/peers/allreduce_mpi4py.py measures the same with mpi4py.
/// </summary>
internal static class AllreduceBench
{
    public static readonly string[] DefaultSizes = ["4K", "16K", "64K", "256K", "1M", "4M", "16M", "64M"];

    public sealed record Result(long Bytes, int Ranks, double Seconds)
    {
        public double AlgBandwidth => Bytes / Seconds;
        public double BusBandwidth => Bytes * 2.0 * (Ranks - 1) / Ranks / Seconds;
    }

    public static Command Create()
    {
        var sizes = new Option<string>("--sizes") { Description = "Comma-separated message sizes in bytes (K = 1024, M = 1024²).", DefaultValueFactory = _ => string.Join(",", DefaultSizes) };
        var reps = new Option<int>("--reps") { Description = "Timed samples per size (median reported).", DefaultValueFactory = _ => 7 };
        var json = new Option<bool>("--json") { Description = "Print a JSON list instead of a table." };
        var cmd = new Command("allreduce", "MPI_Allreduce time and bandwidth through Theta's binding; run under mpirun -np N.") { sizes, reps, json };
        cmd.SetAction(p =>
        {
            long[] bytes = [.. p.GetValue(sizes)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(ParseSize)];
            int r = p.GetValue(reps);
            if (r < 1) throw new ArgumentException($"--reps must be at least 1, got {r}");
            var world = MpiWorld.Join();
            world.Ready(RunFingerprint.Of(Environment.GetCommandLineArgs().Skip(1), []));
            var results = bytes.Select(b => Measure(world, b, r)).ToList();
            if (world.Rank != 0) return 0;
            if (p.GetValue(json))
                Console.WriteLine(new JsonArray([.. results.Select(x => (JsonNode)new JsonObject
                {
                    ["bytes"] = x.Bytes, ["ranks"] = x.Ranks, ["seconds"] = x.Seconds,
                    ["algbw"] = x.AlgBandwidth / 1e9, ["busbw"] = x.BusBandwidth / 1e9,
                })]).ToJsonString());
            else
            {
                Console.WriteLine($"{"bytes",12} {"ranks",5} {"time (us)",12} {"algbw GB/s",11} {"busbw GB/s",11}");
                foreach (var x in results)
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{x.Bytes,12} {x.Ranks,5} {x.Seconds * 1e6,12:F1} {x.AlgBandwidth / 1e9,11:F2} {x.BusBandwidth / 1e9,11:F2}"));
            }
            return 0;
        });
        return cmd;
    }

    private static Result Measure(MpiWorld world, long bytes, int reps)
    {
        var data = world.NewBuffer(checked((int)(bytes / sizeof(float))));   // huge pages from 4 MiB, as NumPy's arrays (see HugePages)
        data.AsSpan().Fill(world.Rank + 1);
        world.AllReduceSum(data);
        float expected = world.Size * (world.Size + 1) / 2f;
        if (data.Length > 0 && (data[0] != expected || data[^1] != expected))
            throw new InvalidOperationException($"MPI_Allreduce of {bytes} bytes: got {data[0]}, expected {expected} on rank {world.Rank}");
        for (int i = 0; i < 3; i++) world.AllReduceSum(data);

        var clock = Stopwatch.StartNew();
        world.AllReduceSum(data);
        Span<int> calls = [Math.Clamp((int)Math.Ceiling(0.05 / Math.Max(clock.Elapsed.TotalSeconds, 1e-7)), 1, 100_000)];
        world.Broadcast(MemoryMarshal.AsBytes(calls)); // rank 0's count, so every rank makes the same calls

        var times = new double[reps];
        for (int s = 0; s < reps; s++)
        {
            data.AsSpan().Fill(1); // repeated sums grow by N each call; start each sample from ones
            world.Barrier();
            clock.Restart();
            for (int i = 0; i < calls[0]; i++) world.AllReduceSum(data);
            times[s] = clock.Elapsed.TotalSeconds / calls[0];
        }
        Array.Sort(times);
        return new Result(bytes, world.Size, Timing.Median(times));
    }

    private static long ParseSize(string s)
    {
        long unit = s[^1] switch { 'K' or 'k' => 1024, 'M' or 'm' => 1024 * 1024, _ => 1 };
        string digits = unit == 1 ? s : s[..^1];
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n < 1 || n * unit % sizeof(float) != 0)
            throw new ArgumentException($"--sizes: '{s}' is not a size in bytes that holds whole floats (e.g. 4K, 1M, 4096)");
        return n * unit;
    }
}
