using System.Globalization;
using System.Reflection;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Theta.Cli.Bench;
using Theta.Kernels;
using Theta.Peers;
using Xunit;
using Xunit.Sdk;

namespace Theta.Device;

/// <summary>
/// What a borrowed machine without .NET runs (published self-contained by bench/Theta.Device/publish.sh):
/// <list type="bullet">
/// <item><c>info</c>: the CPU's vector features and the kernel path Theta chooses, and why.</item>
/// <item><c>tests NS…</c>: every [Fact] and [Theory] row of the Theta.Tests classes in the given namespaces
///   (e.g. Theta.Tests.Kernels), run by reflection (xunit's runner needs the SDK); the path is the process's
///   THETA_ISA, so the default-path tests check that path against the naive references.</item>
/// <item><c>gemm SIZES THREADS REPS [inplace]</c>: <c>Theta.Peers gemm</c>'s measurement, one line per row
///   (inplace: the 512-bit path reads a row-major A in place, <see cref="Theta.Kernels.Gemm.InPlaceA512"/>).</item>
/// <item><c>train NETWORKS THREADS PASSES</c>: <c>theta bench train</c>'s measurement, one line per row.</item>
/// <item><c>conv THREADS ROUNDS</c>: the MNIST CNN's two convolutions at batch 64 (implicit GEMM), forward and fused
///   backward, on each path this CPU runs (avx512, avx2) in alternating rounds in one process: GFLOP/s, best round.</item>
/// </list>
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        try
        {
            return args.FirstOrDefault() switch
            {
                "info" => Info(),
                "tests" => Tests(args[1..]),
                "gemm" => Gemm(args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture), args.Length > 4 && args[4] == "inplace"),
                "train" => Train(args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture)),
                "conv" => Conv(args[1], int.Parse(args[2], CultureInfo.InvariantCulture)),
                _ => throw new ArgumentException("usage: Theta.Device info | tests NAMESPACE… | gemm SIZES THREADS REPS [inplace] | train NETWORKS THREADS PASSES | conv THREADS ROUNDS"),
            };
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"Theta.Device: error: {e.Message}");
            return 1;
        }
    }

    private static int Info()
    {
        Console.WriteLine($"cores {Environment.ProcessorCount}; Avx2 {Avx2.IsSupported}, Fma {Fma.IsSupported}, Avx512F {Avx512F.IsSupported}, " +
            $"Avx512F.VL {Avx512F.VL.IsSupported}, Avx512BW {Avx512BW.IsSupported}, Vector512.IsHardwareAccelerated {Vector512.IsHardwareAccelerated}, " +
            $"Vector<float>.Count {System.Numerics.Vector<float>.Count}");
        Console.WriteLine($"path {Isa.Name(Isa.Current)} ({Isa.Reason})");
        if (Isa.Supported(GemmPath.Avx512))
            for (int i = 0; i < 5; i++)
                Console.WriteLine(FormattableString.Invariant($"probe {i}: 12×32 / 6×16 per FLOP = {IsaProbe.Avx512OverAvx2():F3}"));
        return 0;
    }

    private static int Tests(string[] namespaces)
    {
        Console.WriteLine($"tests under THETA_ISA={Environment.GetEnvironmentVariable("THETA_ISA")} (path {Isa.Name(Isa.Current)})");
        Assembly tests = typeof(Theta.Tests.Kernels.GemmTests).Assembly;
        int passed = 0, failed = 0, skipped = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        foreach (Type type in tests.GetTypes().Where(t => t.IsPublic && !t.IsAbstract && namespaces.Any(n => t.Namespace == n)).OrderBy(t => t.FullName))
        {
            if (type.GetConstructor(Type.EmptyTypes) is null) { Console.WriteLine($"skip {type.Name}: needs a fixture"); skipped++; continue; }
            foreach (MethodInfo m in type.GetMethods().Where(m => m.GetCustomAttribute<FactAttribute>() is not null))
            {
                if (m.GetCustomAttribute<FactAttribute>()!.Skip is not null) { skipped++; continue; }
                var rows = m.GetCustomAttributes<DataAttribute>().SelectMany(d => d.GetData(m)).ToList();
                if (m.GetCustomAttribute<TheoryAttribute>() is null) rows = [[]];
                foreach (object?[] row in rows)
                {
                    object instance = Activator.CreateInstance(type)!;
                    try
                    {
                        object? result = m.Invoke(instance, row);
                        if (result is Task task) task.GetAwaiter().GetResult();
                        passed++;
                    }
                    catch (Exception e)
                    {
                        failed++;
                        Exception inner = e is TargetInvocationException { InnerException: { } i } ? i : e;
                        if (failed <= 20)
                            Console.WriteLine($"FAIL {type.Name}.{m.Name}({string.Join(", ", row)}): {inner.Message.Split('\n')[0]}");
                    }
                    finally { (instance as IDisposable)?.Dispose(); }
                }
            }
        }
        Console.WriteLine($"passed {passed}, failed {failed}, skipped {skipped} in {clock.Elapsed.TotalSeconds:F1} s");
        return failed == 0 ? 0 : 2;
    }

    private static int Gemm(string sizes, string threads, int reps, bool inPlaceA)
    {
        Theta.Kernels.Gemm.InPlaceA512 = inPlaceA;
        GemmShape[] shapes = sizes.Split(',').Select(s => GemmShape.TryParse(s, out GemmShape g) ? g : throw new ArgumentException(s)).ToArray();
        int[] counts = threads.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        foreach (GemmResult r in GemmBench.Run(shapes, counts, reps))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"gemm path={r.Path}{(inPlaceA && r.Path == "avx512" ? "/inplace" : "")} {r.M}x{r.K}x{r.N} t={r.Threads} gflops={r.Theta.Median:F1} ({r.Theta.Min:F1}-{r.Theta.Max:F1}) fma256={r.FmaPeak?.Max:F1} fma512={r.FmaPeak512?.Max:F1} ofCeiling={r.OfCeiling:P1} openblas={r.OpenBlas?.Median:F1}"));
        return 0;
    }

    private static int Train(string networks, string threads, int passes)
    {
        int[] counts = threads.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        foreach (TrainResult r in TrainBench.Run(networks.Split(','), counts, passes))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"train path={Isa.Name(Isa.Current)} adaptive={(ParallelChoice.Enabled ? 1 : 0)} {r.Network} t={r.Threads} train={r.Train.Median:F0} ({r.Train.Min:F0}-{r.Train.Max:F0}) infer={r.Infer.Median:F0} ({r.Infer.Min:F0}-{r.Infer.Max:F0}) latencyUs={r.LatencyMicroseconds:F1} loss={r.FinalLoss:F3}"));
        return 0;
    }

    /// <summary>
    /// The CNN's convolutions (batch 64; 1→8 and 8→16 channels, 5×5, padding 2, on 28×28 and 14×14) through
    /// <see cref="ConvImplicit"/> on each supported path, alternating paths every round so that a noisy neighbour
    /// hits both alike; per (layer, pass, path) the best round's GFLOP/s (2·N·O·K·OH·OW per pass, both products for
    /// backward) and, for avx512, its ratio to avx2.
    /// </summary>
    private static int Conv(string threads, int rounds)
    {
        GemmPath[] paths = [.. new[] { GemmPath.Avx512, GemmPath.Avx2 }.Where(Isa.Supported)];
        var layers = new (string Name, int C, int H, int O)[] { ("conv1 1→8 28×28", 1, 28, 8), ("conv2 8→16 14×14", 8, 14, 16) };
        const int N = 64, KS = 5, Pad = 2, Reps = 10;
        foreach (int t in threads.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)))
        {
            ThetaRuntime.Threads = t;
            foreach (var (name, C, H, O) in layers)
            {
                var rng = new Random(1);
                float[] R(int n) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() * 2 - 1); return a; }
                float[] x = R(N * C * H * H), w = R(O * C * KS * KS), b = R(O), dy = R(N * O * H * H);
                float[] y = new float[dy.Length], dx = new float[x.Length], dw = new float[w.Length];
                double flops = 2.0 * N * O * C * KS * KS * H * H;
                var best = new Dictionary<(GemmPath, bool), double>();
                for (int r = 0; r < rounds; r++)
                    foreach (GemmPath path in paths)
                        foreach (bool backward in new[] { false, true })
                        {
                            long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                            for (int i = 0; i < Reps; i++)
                                if (backward) ConvImplicit.Backward(x, dy, w, N, C, H, H, O, KS, KS, Pad, Pad, dx, dxFresh: true, dw, path);
                                else ConvImplicit.Forward(x, N, C, H, H, w, O, KS, KS, b, Pad, Pad, y, path);
                            double gflops = (backward ? 2 : 1) * flops * Reps / System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalSeconds / 1e9;
                            if (r > 0) best[(path, backward)] = Math.Max(best.GetValueOrDefault((path, backward)), gflops);   // round 0: JIT
                        }
                foreach (bool backward in new[] { false, true })
                    foreach (GemmPath path in paths)
                    {
                        double g = best.GetValueOrDefault((path, backward));
                        string ratio = path == GemmPath.Avx512 && paths.Length > 1 ? $" avx512/avx2={g / best[(GemmPath.Avx2, backward)]:F2}" : "";
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"conv {name} {(backward ? "backward" : "forward")} t={t} path={Isa.Name(path)} gflops={g:F1}{ratio}"));
                    }
            }
        }
        return 0;
    }
}
