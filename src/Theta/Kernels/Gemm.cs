namespace Theta.Kernels;

/// <summary>
/// Single-precision GEMM over row-major spans: C[M×N] = alpha·op(A)·op(B) + beta·C.
/// op(A) is A [M×K] (lda ≥ K) or, when transA, Aᵀ with A stored [K×M] (lda ≥ M); likewise B
/// is [K×N] (ldb ≥ N) or, when transB, stored [N×K] (ldb ≥ K). C is [M×N] with ldc ≥ N.
/// beta = 0 overwrites C (NaN in C does not leak through); beta = 1 accumulates (used for +=).
/// </summary>
internal static class Gemm
{
    /// <param name="threads">0 = <see cref="ThetaRuntime.Threads"/>; 1 = single-threaded.</param>
    public static void Sgemm(bool transA, bool transB, int M, int N, int K, float alpha,
        ReadOnlySpan<float> A, int lda, ReadOnlySpan<float> B, int ldb,
        float beta, Span<float> C, int ldc, int threads = 0)
    {
        // Placeholder until the packed kernel lands: the reference kernel.
        GemmReference.Sgemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    }
}
