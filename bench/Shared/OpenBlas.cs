using System.Runtime.InteropServices;

namespace Theta.Peers;

/// <summary>
/// OpenBLAS's <c>cblas_sgemm</c>, loaded at run time (NativeLibrary.TryLoad) for benchmarks only:
/// the peer Theta's GEMM is measured against. It is never a dependency of the library; when no
/// OpenBLAS is installed, <see cref="IsAvailable"/> is false and <see cref="Missing"/> says why.
/// Linked into both the `theta` CLI and the BenchmarkDotNet suite (one source file, two assemblies).
/// </summary>
internal static unsafe class OpenBlas
{
    private const int RowMajor = 101, NoTrans = 111, Trans = 112; // CBLAS enum values

    private static readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> s_sgemm;
    private static readonly delegate* unmanaged<int, void> s_setNumThreads;

    /// <summary>Library names tried in order (Debian's libopenblas0-pthread installs the first).</summary>
    private static readonly string[] Candidates =
        ["libopenblas.so.0", "/usr/lib/x86_64-linux-gnu/libopenblas.so.0", "libopenblas.so", "libopenblas.dylib", "libopenblas.dll", "openblas"];

    static OpenBlas()
    {
        foreach (string name in Candidates)
        {
            if (!NativeLibrary.TryLoad(name, out nint handle)) continue;
            if (NativeLibrary.TryGetExport(handle, "cblas_sgemm", out nint sgemm)
                && NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out nint setThreads))
            {
                s_sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm;
                s_setNumThreads = (delegate* unmanaged<int, void>)setThreads;
                Library = name;
                return;
            }
            NativeLibrary.Free(handle);
        }
    }

    /// <summary>The name that loaded, or null.</summary>
    public static string? Library { get; }

    public static bool IsAvailable => Library is not null;

    /// <summary>What to print in place of a figure when OpenBLAS is absent.</summary>
    public const string Missing = "n/a (libopenblas.so.0 not found)";

    /// <summary>OpenBLAS's own thread pool size (it ignores .NET's).</summary>
    public static void SetThreads(int threads) => s_setNumThreads(threads);

    /// <summary>C[M×N] = alpha·op(A)·op(B) + beta·C, row-major, same arguments as Theta's Gemm.Sgemm.</summary>
    public static void Sgemm(bool transA, bool transB, int M, int N, int K, float alpha,
        float* A, int lda, float* B, int ldb, float beta, float* C, int ldc)
        => s_sgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}
