namespace Theta.Kernels;

/// <summary>
/// The naive triple loop that the fast <see cref="Gemm"/> is tested against. Same contract:
/// C = alpha·op(A)·op(B) + beta·C, row-major, leading dimensions lda, ldb, ldc. Accumulates in double.
/// </summary>
internal static class GemmReference
{
    public static void Sgemm(bool transA, bool transB, int M, int N, int K, float alpha,
        ReadOnlySpan<float> A, int lda, ReadOnlySpan<float> B, int ldb,
        float beta, Span<float> C, int ldc)
    {
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++)
            {
                double s = 0;
                for (int p = 0; p < K; p++)
                {
                    float a = transA ? A[p * lda + i] : A[i * lda + p];
                    float b = transB ? B[j * ldb + p] : B[p * ldb + j];
                    s += (double)a * b;
                }
                float c = beta == 0f ? 0f : beta * C[i * ldc + j];
                C[i * ldc + j] = (float)(alpha * s) + c;
            }
    }
}
