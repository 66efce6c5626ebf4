using System.Runtime.CompilerServices;
using static Theta.Kernels.GemmMicroKernel;

namespace Theta.Kernels;

/// <summary>
/// Operand packing for <see cref="Gemm"/> (the GotoBLAS/BLIS layout). Whatever the transposes,
/// the micro-kernel reads one layout:
/// <list type="bullet">
/// <item>packed A: a block op(A)[i0 : i0+mc, p0 : p0+kc] as ⌈mc/MR⌉ panels of kc×MR floats; in panel r,
///   element (p, i) = op(A)[i0 + r·MR + i, p0 + p] sits at p·MR + i (MR rows side by side per k).</item>
/// <item>packed B: a block op(B)[p0 : p0+kc, j0 : j0+nc] as ⌈nc/NR⌉ panels of kc×NR floats; in panel s,
///   element (p, j) = op(B)[p0 + p, j0 + s·NR + j] sits at p·NR + j (one row of NR columns per k).</item>
/// </list>
/// Rows or columns past the edge of the matrix are written as zeros, so the micro-kernel always
/// computes a full MR×NR tile (the padding only adds exact zeros to lanes that are never stored).
/// </summary>
internal static unsafe class GemmPack
{
    /// <summary>
    /// Packs op(A)[i0 : i0+mc, p0 : p0+kc]. A is [M×K] row-major with leading dimension lda, or,
    /// when transA, [K×M] (op(A)[i, p] = A[p·lda + i]). dst holds ⌈mc/MR⌉·kc·MR floats.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(bool transA, float* A, nint lda, int i0, int mc, int p0, int kc, float* dst)
    {
        for (int ir = 0; ir < mc; ir += MR, dst += kc * MR)
        {
            int mr = Math.Min(MR, mc - ir);
            if (transA)
            {
                // op(A) row i is column i of A: for each p the MR values are contiguous in A.
                float* src = A + p0 * lda + i0 + ir;
                for (int p = 0; p < kc; p++, src += lda) CopyPadded(src, dst + p * MR, mr, MR);
            }
            else if (mr == MR)
            {
                // Six rows of A, read along k and interleaved.
                float* r0 = A + (i0 + ir) * lda + p0;
                float* r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda, r4 = r3 + lda, r5 = r4 + lda;
                float* d = dst;
                for (int p = 0; p < kc; p++, d += MR)
                {
                    d[0] = r0[p]; d[1] = r1[p]; d[2] = r2[p];
                    d[3] = r3[p]; d[4] = r4[p]; d[5] = r5[p];
                }
            }
            else
            {
                float* src = A + (i0 + ir) * lda + p0;
                for (int p = 0; p < kc; p++)
                {
                    float* d = dst + p * MR;
                    int i = 0;
                    for (; i < mr; i++) d[i] = src[i * lda + p];
                    for (; i < MR; i++) d[i] = 0f;
                }
            }
        }
    }

    /// <summary>
    /// Packs op(B)[p0 : p0+kc, j0 : j0+nc]. B is [K×N] row-major with leading dimension ldb, or,
    /// when transB, [N×K] (op(B)[p, j] = B[j·ldb + p]). dst holds ⌈nc/NR⌉·kc·NR floats.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(bool transB, float* B, nint ldb, int p0, int kc, int j0, int nc, float* dst)
    {
        for (int jr = 0; jr < nc; jr += NR, dst += kc * NR)
        {
            int nr = Math.Min(NR, nc - jr);
            if (transB)
            {
                // op(B) column j is row j of B: walk each row of B along k (sequential reads),
                // scattering into the panel with stride NR.
                int j = 0;
                for (; j < nr; j++)
                {
                    float* src = B + (j0 + jr + j) * ldb + p0;
                    float* d = dst + j;
                    for (int p = 0; p < kc; p++, d += NR) *d = src[p];
                }
                for (; j < NR; j++)
                {
                    float* d = dst + j;
                    for (int p = 0; p < kc; p++, d += NR) *d = 0f;
                }
            }
            else if (nr == NR)
            {
                // The NR values of one k are contiguous in B: copy them as one block.
                float* src = B + p0 * ldb + j0 + jr;
                float* d = dst;
                for (int p = 0; p < kc; p++, src += ldb, d += NR)
                    Unsafe.CopyBlockUnaligned(d, src, NR * sizeof(float));
            }
            else
            {
                float* src = B + p0 * ldb + j0 + jr;
                for (int p = 0; p < kc; p++, src += ldb) CopyPadded(src, dst + p * NR, nr, NR);
            }
        }
    }

    /// <summary>d[0:n] = src[0:n], d[n:width] = 0 (one padded row of a panel).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyPadded(float* src, float* d, int n, int width)
    {
        int i = 0;
        for (; i < n; i++) d[i] = src[i];
        for (; i < width; i++) d[i] = 0f;
    }
}
