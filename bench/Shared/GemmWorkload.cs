using System.Globalization;
using System.Runtime.InteropServices;
using Theta.Kernels;

namespace Theta.Peers;

/// <summary>One GEMM shape, M×K times K×N, in the form the benchmarks run it.</summary>
internal readonly record struct GemmShape(int M, int K, int N)
{
    /// <summary>Floating-point operations of one product: 2·M·N·K.</summary>
    public double Flops => 2.0 * M * N * K;

    /// <summary>
    /// Square n = 128 … 2048 and the MNIST-MLP training shapes (batch 64, 784 → 128):
    /// forward 64×784·784×128, weight gradient 784×64·64×128, input gradient 64×128·128×784.
    /// </summary>
    public static readonly GemmShape[] Defaults =
        [new(128, 128, 128), new(256, 256, 256), new(512, 512, 512), new(1024, 1024, 1024), new(2048, 2048, 2048),
         new(64, 784, 128), new(784, 64, 128), new(64, 128, 784)];

    public override string ToString() => $"{M}x{K}x{N}";

    /// <summary>Reads "n" (n×n·n×n) or "MxKxN", every dimension a positive integer; the inverse of ToString.</summary>
    public static bool TryParse(string text, out GemmShape shape)
    {
        shape = default;
        string[] parts = text.Trim().ToLowerInvariant().Split('x');
        var d = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out d[i]) || d[i] < 1) return false;
        if (d.Length == 1) shape = new GemmShape(d[0], d[0], d[0]);
        else if (d.Length == 3) shape = new GemmShape(d[0], d[1], d[2]);
        else return false;
        return true;
    }
}

/// <summary>
/// Operands of one <see cref="GemmShape"/> in 64-byte-aligned native memory, filled with seeded
/// values in [-1, 1], and C = A·B (row-major, no transposes, beta = 0) through Theta or OpenBLAS.
/// </summary>
internal sealed unsafe class GemmWorkload : IDisposable
{
    private readonly float* _a, _b, _c;

    public GemmWorkload(GemmShape shape)
    {
        Shape = shape;
        _a = Alloc((nuint)shape.M * (nuint)shape.K);
        _b = Alloc((nuint)shape.K * (nuint)shape.N);
        _c = Alloc((nuint)shape.M * (nuint)shape.N);
        var rng = new Random(42);
        for (long i = 0; i < (long)shape.M * shape.K; i++) _a[i] = (float)(rng.NextDouble() * 2 - 1);
        for (long i = 0; i < (long)shape.K * shape.N; i++) _b[i] = (float)(rng.NextDouble() * 2 - 1);
    }

    public GemmShape Shape { get; }

    /// <summary>C = A·B with Theta's <see cref="Gemm"/> on <paramref name="threads"/> threads.</summary>
    public void RunTheta(int threads)
    {
        var (m, k, n) = Shape;
        Gemm.Sgemm(false, false, m, n, k, 1f, new ReadOnlySpan<float>(_a, m * k), k,
            new ReadOnlySpan<float>(_b, k * n), n, 0f, new Span<float>(_c, m * n), n, threads);
    }

    /// <summary>C = A·B with OpenBLAS (call <see cref="OpenBlas.SetThreads"/> first).</summary>
    public void RunOpenBlas()
    {
        var (m, k, n) = Shape;
        OpenBlas.Sgemm(false, false, m, n, k, 1f, _a, k, _b, n, 0f, _c, n);
    }

    private static float* Alloc(nuint floats) => (float*)NativeMemory.AlignedAlloc(floats * sizeof(float), 64);

    public void Dispose()
    {
        NativeMemory.AlignedFree(_a);
        NativeMemory.AlignedFree(_b);
        NativeMemory.AlignedFree(_c);
    }
}
