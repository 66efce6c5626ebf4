using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Theta.Cli.Bench;
using Theta.Kernels;
using static Theta.Cli.Bench.BenchArgs;

namespace Theta.Peers;

/// <summary>
/// <c>Theta.Peers gemm [--sizes 128,256,64x784x128] [--threads 1,2] [--reps N] [--json]</c>: Theta's SGEMM
/// against OpenBLAS (same process, same operands) and the machine's FMA ceilings.
/// </summary>
internal static class GemmCommand
{
    public static Command Create()
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
            int[] threadCounts = Ints(parse.GetValue(threads)!, "--threads", min: 1);
            int r = AtLeastOne(parse.GetValue(reps), "--reps");
            bool asJson = parse.GetValue(json);

            List<GemmResult> results = asJson || !AnsiConsole.Profile.Capabilities.Interactive
                ? GemmBench.Run(shapes, threadCounts, r)
                : AnsiConsole.Status().Start("measuring", ctx => GemmBench.Run(shapes, threadCounts, r, s => ctx.Status(s)));
            if (asJson) Console.WriteLine(ToJson(results));
            else
            {
                Widen(170);
                AnsiConsole.Write(ToTable(results));
            }
            return 0;
        });
        return gemm;
    }

    /// <summary>"128,64x784x128" → [128×128×128, 64×784×128] (M×K×N); one clear error for anything else.</summary>
    private static GemmShape[] ParseShapes(string text) =>
        Split(text, "--sizes").Select(item => GemmShape.TryParse(item, out GemmShape shape)
            ? shape
            : throw new ArgumentException($"--sizes: '{item}' is neither n nor MxKxN with positive integers (expected e.g. 128,256,64x784x128).")).ToArray();

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

    private static string Range(Throughput t) => $"{Num(t.Min)}–{Num(t.Max)}";
}
