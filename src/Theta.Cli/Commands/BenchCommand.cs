using System.Text.Json;
using Theta.Cli.Bench;
using static Theta.Cli.Bench.BenchArgs;

namespace Theta.Cli.Commands;

/// <summary>
/// <c>theta bench …</c>: Theta's own performance (classic fits, training and inference, MPI all-reduce), on the
/// protocols of the peers in bench/peers and bench/mpi, which run the peers themselves. The SGEMM comparison with
/// OpenBLAS links a native peer, so it is not part of <c>theta</c>: it is bench/Theta.Peers (<c>gemm</c>).
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Measure Theta's performance on its peers' protocols (the peers run from bench/).");
        bench.Add(CreateClassic());
        bench.Add(CreateTrain());
        bench.Add(AllreduceBench.Create());
        return bench;
    }

    private static Command CreateClassic()
    {
        var threads = new Option<string>("--threads") { Description = "Comma-separated thread counts.", DefaultValueFactory = _ => "1,2" };
        var reps = new Option<int>("--reps") { Description = "Timed fits per model (after one warm-up; median reported).", DefaultValueFactory = _ => 5 };
        var json = new Option<bool>("--json") { Description = "Print a JSON list instead of a table." };
        var export = new Option<string?>("--export") { Description = "Also write the data to DIR/train.csv and DIR/test.csv (for bench/peers/sklearn_classic.py)." };
        var classic = new Command("classic", "Fit time of naive Bayes and logistic regression on 100,000 × 200 binary features (the scikit-learn peer's workload).")
            { threads, reps, json, export };
        classic.SetAction(parse =>
        {
            int[] threadCounts = Ints(parse.GetValue(threads)!, "--threads", min: 1);
            int r = AtLeastOne(parse.GetValue(reps), "--reps");
            var results = ClassicBench.Run(threadCounts, r, parse.GetValue(json) ? null : s => Console.Error.WriteLine($"# {s}"), parse.GetValue(export));
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(results.Select(x => new
                {
                    model = x.Model, threads = x.Threads, fitSecondsMin = x.Min, fitSeconds = x.Median, fitSecondsMax = x.Max,
                    trainAccuracy = x.TrainAccuracy, testAccuracy = x.TestAccuracy, notes = x.Notes,
                }), new JsonSerializerOptions { WriteIndented = true }));
                return 0;
            }
            var table = new Table().Title("classic models: fit seconds (min / median / max), 100,000 × 200 binary, 20,000 test rows");
            foreach (string h in new[] { "model", "threads", "fit min", "fit median", "fit max", "train acc", "test acc", "notes" })
                table.AddColumn(new TableColumn(h).RightAligned().NoWrap());
            foreach (var x in results)
                table.AddRow(x.Model, Int(x.Threads), x.Min.ToString("F3", CultureInfo.InvariantCulture), x.Median.ToString("F3", CultureInfo.InvariantCulture),
                    x.Max.ToString("F3", CultureInfo.InvariantCulture), x.TrainAccuracy.ToString("F4", CultureInfo.InvariantCulture),
                    x.TestAccuracy.ToString("F4", CultureInfo.InvariantCulture), x.Notes);
            Widen(120);
            AnsiConsole.Write(table);
            return 0;
        });
        return classic;
    }

    private static Command CreateTrain()
    {
        var networks = new Option<string>("--networks") { Description = "Comma-separated: mlp_relu, mlp_sigmoid, cnn.", DefaultValueFactory = _ => string.Join(",", TrainWorkload.Networks) };
        var threads = new Option<string>("--threads") { Description = "Comma-separated thread counts.", DefaultValueFactory = _ => "1,2" };
        var passes = new Option<int>("--passes") { Description = "Timed passes per measurement (min / median / max reported).", DefaultValueFactory = _ => 7 };
        var json = new Option<bool>("--json") { Description = "Print a JSON list instead of a table." };
        var train = new Command("train", "Training and inference examples/s, latency and memory of the peers' three networks (../shared/peers protocol).")
            { networks, threads, passes, json };
        train.SetAction(parse =>
        {
            string[] nets = Split(parse.GetValue(networks)!, "--networks");
            foreach (string n in nets)
                if (!TrainWorkload.Networks.Contains(n))
                    throw new ArgumentException($"--networks: '{n}' is not one of {string.Join(", ", TrainWorkload.Networks)}.");
            int[] threadCounts = Ints(parse.GetValue(threads)!, "--threads", min: 1);
            int p = AtLeastOne(parse.GetValue(passes), "--passes");
            bool asJson = parse.GetValue(json);
            var results = TrainBench.Run(nets, threadCounts, p, asJson ? null : s => Console.Error.WriteLine($"# {s}"));
            if (asJson)
            {
                Console.WriteLine(JsonSerializer.Serialize(results.Select(x => new
                {
                    network = x.Network, threads = x.Threads, batch = TrainWorkload.Batch,
                    trainExamplesPerSecond = Math.Round(x.Train.Median), trainMin = Math.Round(x.Train.Min), trainMax = Math.Round(x.Train.Max),
                    inferExamplesPerSecond = Math.Round(x.Infer.Median), inferBatch = TrainWorkload.InferBatch,
                    inferMin = Math.Round(x.Infer.Min), inferMax = Math.Round(x.Infer.Max),
                    latencyMicroseconds = Math.Round(x.LatencyMicroseconds, 1),
                    allocatedBytesPerStep = Math.Round(x.AllocatedBytesPerStep), gen0Per1000Steps = Math.Round(x.Gen0Per1000Steps, 1),
                    peakWorkingSetMiB = Math.Round(x.PeakWorkingSetMiB, 1), finalLoss = x.FinalLoss,
                }), new JsonSerializerOptions { WriteIndented = true }));
                return 0;
            }
            var table = new Table().Title("training examples/s (batch 64, SGD) and inference examples/s (batch 256): min / median / max over passes");
            foreach (string h in new[] { "network", "threads", "train min", "train median", "train max", "GFLOP/s", "infer median", "(min–max)", "latency µs", "alloc/step", "gen0/1k", "peak MiB", "loss" })
                table.AddColumn(new TableColumn(h).RightAligned().NoWrap());
            foreach (var x in results)
                table.AddRow(x.Network, Int(x.Threads), K(x.Train.Min), K(x.Train.Median), K(x.Train.Max),
                    Num(x.Train.Median * TrainWorkload.TrainFlopsPerExample(x.Network) / 1e9), K(x.Infer.Median), $"{K(x.Infer.Min)}–{K(x.Infer.Max)}",
                    Num(x.LatencyMicroseconds), $"{x.AllocatedBytesPerStep / 1024:F0} KiB", Num(x.Gen0Per1000Steps),
                    Num(x.PeakWorkingSetMiB), x.FinalLoss.ToString("F3", CultureInfo.InvariantCulture));
            table.Caption("alloc/step: managed bytes allocated per training step; gen0/1k: gen-0 GCs per 1,000 steps; peak: process peak working set so far");
            Widen(160);
            AnsiConsole.Write(table);
            return 0;
        });
        return train;
    }

    private static string K(double x) => x.ToString("N0", CultureInfo.InvariantCulture);
}
