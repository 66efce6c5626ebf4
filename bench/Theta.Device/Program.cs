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
                _ => throw new ArgumentException("usage: Theta.Device info | tests NAMESPACE… | gemm SIZES THREADS REPS [inplace] | train NETWORKS THREADS PASSES"),
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
}
