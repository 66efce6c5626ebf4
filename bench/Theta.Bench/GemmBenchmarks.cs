using BenchmarkDotNet.Attributes;
using Theta.Peers;

namespace Theta.Bench;

/// <summary>
/// SGEMM C = A·B (fp32, row-major) on the shapes of <c>Theta.Peers gemm</c> (square 128..2048 and the
/// MNIST-MLP training shapes, M×K×N), on 1 and 2 threads: Theta and, when libopenblas is installed,
/// OpenBLAS on the same operands, side by side (the Library column). GFLOP/s = 2·M·K·N / Mean.
/// </summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private GemmWorkload _work = null!;

    /// <summary>"MxKxN" (a string: BenchmarkDotNet wants public parameter types, GemmShape is internal).</summary>
    public static IEnumerable<string> Shapes => GemmShape.Defaults.Select(s => s.ToString());

    /// <summary>Theta always; OpenBLAS only where it loads (it is a peer, not a dependency).</summary>
    public static IEnumerable<string> Libraries => OpenBlas.IsAvailable ? ["Theta", "OpenBLAS"] : ["Theta"];

    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = "";

    [Params(1, 2)]
    public int Threads { get; set; }

    [ParamsSource(nameof(Libraries))]
    public string Library { get; set; } = "Theta";

    [GlobalSetup]
    public void Setup()
    {
        if (!GemmShape.TryParse(Shape, out GemmShape shape)) throw new ArgumentException($"bad shape '{Shape}'");
        _work = new GemmWorkload(shape);
        if (Library == "OpenBLAS") OpenBlas.SetThreads(Threads);
    }

    [GlobalCleanup]
    public void Cleanup() => _work.Dispose();

    [Benchmark]
    public void Sgemm()
    {
        if (Library == "OpenBLAS") _work.RunOpenBlas();
        else _work.RunTheta(Threads);
    }
}
