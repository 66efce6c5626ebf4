using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Theta.Cli.Bench;
using Theta.Kernels;
using Theta.Peers;

namespace Theta.Cli.Commands;

/// <summary>
/// <c>theta bench …</c>: performance measurements. <c>theta bench gemm [--sizes 128,256,64x784x128]
/// [--threads 1,2] [--reps N] [--json]</c> compares Theta's SGEMM with OpenBLAS and the FMA peak.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Measure Theta's performance against its peers.");
        bench.Add(CreateGemm());
        bench.Add(CreateClassic());
        bench.Add(CreateTrain());
        bench.Add(AllreduceBench.Create());
        return bench;
    }

    private static Command CreateGemm()
    {
        var sizes = new Option<string>("--sizes")
        {
            Description = "Comma-separated shapes: n for n×n·n×n, or MxKxN. Default: 128..2048 and the MNIST training shapes.",
            DefaultValueFactory = _ => string.Join(",", GemmShape.Defaults),
        };
        var threads = new Option<string>("--threads") { Description = "Comma-separated thread counts.", DefaultValueFactory = _ => "1,2" };
        var reps = new Option<int>("--reps") { Description = "Timed samples per measurement (median reported).", DefaultValueFactory = _ => 7 };
        var json = new Option<bool>("--json") { Description = "Print a JSON list instead of a table." };

        var gemm = new Command("gemm", "SGEMM GFLOP/s: Theta (its kernel path named; THETA_ISA=avx512|avx2|portable forces one) vs OpenBLAS (same run), with the machine's FMA ceilings at 256 and 512 bits.")
        {
            sizes, threads, reps, json,
        };
        gemm.SetAction(parse =>
        {
            GemmShape[] shapes = ParseShapes(parse.GetValue(sizes)!);
            int[] threadCounts = ParseList(parse.GetValue(threads)!, "--threads", min: 1);
            int r = parse.GetValue(reps);
            if (r < 1) throw new ArgumentException($"--reps must be at least 1, got {r}.");
            bool asJson = parse.GetValue(json);

            List<GemmResult> results = asJson || !AnsiConsole.Profile.Capabilities.Interactive
                ? GemmBench.Run(shapes, threadCounts, r)
                : AnsiConsole.Status().Start("measuring", ctx => GemmBench.Run(shapes, threadCounts, r, s => ctx.Status(s)));
            if (asJson) Console.WriteLine(ToJson(results));
            else
            {
                // Redirected output defaults to 80 columns; the table needs about 150.
                if (!AnsiConsole.Profile.Capabilities.Interactive) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 170);
                AnsiConsole.Write(ToTable(results));
            }
            return 0;
        });
        return gemm;
    }

    private static Command CreateClassic()
    {
        var threads = new Option<string>("--threads") { Description = "Comma-separated thread counts.", DefaultValueFactory = _ => "1,2" };
        var reps = new Option<int>("--reps") { Description = "Timed fits per model (after one warm-up; median reported).", DefaultValueFactory = _ => 5 };
        var json = new Option<bool>("--json") { Description = "Print a JSON list instead of a table." };
        var export = new Option<string?>("--export") { Description = "Also write the data to DIR/train.csv and DIR/test.csv (for bench/peers/sklearn_classic.py)." };
        var classic = new Command("classic", "Fit time of naive Bayes and logistic regression on 100,000 × 200 binary features (the scikit-learn peer's workload).")
        {
            threads, reps, json, export,
        };
        classic.SetAction(parse =>
        {
            int[] threadCounts = ParseList(parse.GetValue(threads)!, "--threads", min: 1);
            int r = parse.GetValue(reps);
            if (r < 1) throw new ArgumentException($"--reps must be at least 1, got {r}.");
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
            if (!AnsiConsole.Profile.Capabilities.Interactive) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 120);
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
        {
            networks, threads, passes, json,
        };
        train.SetAction(parse =>
        {
            string[] nets = Split(parse.GetValue(networks)!, "--networks");
            foreach (string n in nets)
                if (!TrainWorkload.Networks.Contains(n))
                    throw new ArgumentException($"--networks: '{n}' is not one of {string.Join(", ", TrainWorkload.Networks)}.");
            int[] threadCounts = ParseList(parse.GetValue(threads)!, "--threads", min: 1);
            int p = parse.GetValue(passes);
            if (p < 1) throw new ArgumentException($"--passes must be at least 1, got {p}.");
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
            if (!AnsiConsole.Profile.Capabilities.Interactive) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 160);
            AnsiConsole.Write(table);
            return 0;
        });
        return train;
    }

    private static string K(double x) => x.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>"128,64x784x128" → [128×128×128, 64×784×128] (M×K×N); one clear error for anything else.</summary>
    internal static GemmShape[] ParseShapes(string text) =>
        Split(text, "--sizes").Select(item => GemmShape.TryParse(item, out GemmShape shape)
            ? shape
            : throw new ArgumentException($"--sizes: '{item}' is neither n nor MxKxN with positive integers (expected e.g. 128,256,64x784x128).")).ToArray();

    private static int[] ParseList(string text, string option, int min) =>
        Split(text, option).Select(s =>
            int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= min
                ? v
                : throw new ArgumentException($"{option}: '{s}' is not an integer ≥ {min} (expected e.g. 1,2).")).ToArray();

    private static string[] Split(string text, string option)
    {
        string[] items = text.Split(',', StringSplitOptions.TrimEntries);
        if (items.Length == 0 || items.Any(s => s.Length == 0))
            throw new ArgumentException($"{option}: empty entry in '{text}'.");
        return items;
    }

    private static string ToJson(List<GemmResult> results) => JsonSerializer.Serialize(
        results.Select(r => new
        {
            m = r.M, k = r.K, n = r.N, threads = r.Threads,
            gflops = Round(r.Theta.Median), gflopsMin = Round(r.Theta.Min), gflopsMax = Round(r.Theta.Max),
            openblasGflops = r.OpenBlas is { } o ? Round(o.Median) : (double?)null,
            ratio = r.Ratio is { } q ? Math.Round(q, 3) : (double?)null,
            fmaPeakGflops = r.FmaPeak is { } p ? Round(p.Max) : (double?)null,
            fmaPeak512Gflops = r.FmaPeak512 is { } p5 ? Round(p5.Max) : (double?)null,
            path = r.Path,
            ofCeiling = r.OfCeiling is { } f ? Math.Round(f, 3) : (double?)null,
        }),
        new JsonSerializerOptions { WriteIndented = true });

    private static double Round(double x) => Math.Round(x, 1);

    private static Table ToTable(List<GemmResult> results)
    {
        var table = new Table().Title("SGEMM, C = A·B (fp32, row-major), GFLOP/s, median of samples");
        foreach (string h in new[] { "m", "k", "n", "threads", "Theta", "(min–max)", "OpenBLAS", "(min–max)", "ratio", "FMA 256", "FMA 512", "of ceiling" })
            table.AddColumn(new TableColumn(h).RightAligned().NoWrap());
        foreach (GemmResult r in results)
            table.AddRow(
                Int(r.M), Int(r.K), Int(r.N), Int(r.Threads),
                Num(r.Theta.Median), Range(r.Theta),
                r.OpenBlas is { } o ? Num(o.Median) : OpenBlas.Missing, r.OpenBlas is { } o2 ? Range(o2) : "",
                r.Ratio is { } q ? q.ToString("P0", CultureInfo.InvariantCulture) : "–",
                r.FmaPeak is { } p ? Num(p.Max) : "n/a (no FMA)",
                r.FmaPeak512 is { } p5 ? Num(p5.Max) : "n/a (no AVX-512)",
                r.OfCeiling is { } f ? f.ToString("P0", CultureInfo.InvariantCulture) : "–");
        table.Caption($"path: {Isa.Name(Isa.Current)} ({Isa.Reason}); "
            + (OpenBlas.IsAvailable ? $"OpenBLAS: {OpenBlas.Library}, same process, same operands" : OpenBlas.Missing)
            + "; FMA 256/512: the C# ceiling kernel's best sample at each width (noise only lowers it); of ceiling: Theta over the ceiling of its path's width");
        return table;
    }

    private static string Int(int x) => x.ToString(CultureInfo.InvariantCulture);

    private static string Num(double x) => x.ToString("F1", CultureInfo.InvariantCulture);

    private static string Range(Throughput t) => $"{Num(t.Min)}–{Num(t.Max)}";
}
