using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
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
/// The panel widths are the 256-bit tile's MR = 6, NR = 16 unless given (the 512-bit tile's 12 and 32).
/// </summary>
internal static unsafe class GemmPack
{
    /// <summary>
    /// Packs op(A)[i0 : i0+mc, p0 : p0+kc]. A is [M×K] row-major with leading dimension lda, or,
    /// when transA, [K×M] (op(A)[i, p] = A[p·lda + i]). dst holds ⌈mc/MR⌉·kc·MR floats, MR = <paramref name="MR"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(bool transA, float* A, nint lda, int i0, int mc, int p0, int kc, float* dst, int MR = GemmMicroKernel.MR)
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
            else if (mr == 6 && MR == 6)
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
            else if (mr == 12 && MR == 12 && Avx.IsSupported)
            {
                // Twelve rows of A (the 512-bit tile's): 8 k at a time, rows 0–7 and 8–11 transposed in registers.
                float* r = A + (i0 + ir) * lda + p0;
                int p = 0;
                for (; p + 8 <= kc; p += 8)
                {
                    Transpose8x8(r + p, lda, dst + p * 12, 12);
                    Transpose4x8(r + 8 * lda + p, lda, dst + p * 12 + 8, 12);
                }
                for (; p < kc; p++)
                    for (int i = 0; i < 12; i++) dst[p * 12 + i] = r[i * lda + p];
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
    /// when transB, [N×K] (op(B)[p, j] = B[j·ldb + p]). dst holds ⌈nc/NR⌉·kc·NR floats, NR = <paramref name="NR"/> (a multiple of 8).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(bool transB, float* B, nint ldb, int p0, int kc, int j0, int nc, float* dst, int NR = GemmMicroKernel.NR)
    {
        for (int jr = 0; jr < nc; jr += NR, dst += kc * NR)
        {
            int nr = Math.Min(NR, nc - jr);
            if (transB && nr == NR && Avx.IsSupported)
            {
                // op(B) column j is row j of B: 8 rows × 8 k at a time, transposed in registers (the
                // scalar scatter below wrote one float per store; this packs x·Wᵀ's W 3× faster).
                float* src = B + (j0 + jr) * ldb + p0;
                int p = 0;
                for (; p + 8 <= kc; p += 8)
                    for (int j = 0; j < NR; j += 8) Transpose8x8(src + j * ldb + p, ldb, dst + p * NR + j, NR);
                for (; p < kc; p++)
                    for (int j = 0; j < NR; j++) dst[p * NR + j] = src[j * ldb + p];
            }
            else if (transB)
            {
                // op(B) column j is row j of B: the panel zeroed as one block, then each row of B walked
                // along k (sequential reads) and scattered into its column with stride NR. NOTE: zeroing the
                // padding columns one float at a time cost as much as the rest of x·W1ᵀ's packing (N = 100).
                new Span<float>(dst, kc * NR).Clear();
                for (int j = 0; j < nr; j++)
                {
                    float* src = B + (j0 + jr + j) * ldb + p0;
                    float* d = dst + j;
                    for (int p = 0; p < kc; p++, d += NR) *d = src[p];
                }
            }
            else if (nr == NR)
            {
                // The NR values of one k are contiguous in B: copy them as one block.
                // NOTE: a constant size, so that the copy is two (or four) vector moves, not a call to memmove
                // (with NR a variable, packing cost the 256-bit path 8 % on 256³ and the MLP's shapes).
                float* src = B + p0 * ldb + j0 + jr;
                float* d = dst;
                if (NR == 16)
                    for (int p = 0; p < kc; p++, src += ldb, d += NR) Unsafe.CopyBlockUnaligned(d, src, 16 * sizeof(float));
                else if (NR == 32)
                    for (int p = 0; p < kc; p++, src += ldb, d += NR) Unsafe.CopyBlockUnaligned(d, src, 32 * sizeof(float));
                else
                    for (int p = 0; p < kc; p++, src += ldb, d += NR) Unsafe.CopyBlockUnaligned(d, src, (uint)(NR * sizeof(float)));
            }
            else
            {
                float* src = B + p0 * ldb + j0 + jr;
                for (int p = 0; p < kc; p++, src += ldb) CopyPadded(src, dst + p * NR, nr, NR);
            }
        }
    }

    /// <summary>d[q·ldd + i] = s[i·lds + q] for i, q &lt; 8: an 8×8 block transposed through AVX registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose8x8(float* s, nint lds, float* d, nint ldd)
    {
        Vector256<float> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + lds);
        Vector256<float> r2 = Avx.LoadVector256(s + 2 * lds), r3 = Avx.LoadVector256(s + 3 * lds);
        Vector256<float> r4 = Avx.LoadVector256(s + 4 * lds), r5 = Avx.LoadVector256(s + 5 * lds);
        Vector256<float> r6 = Avx.LoadVector256(s + 6 * lds), r7 = Avx.LoadVector256(s + 7 * lds);
        // Interleave pairs of rows, then pairs of pairs, then swap 128-bit halves.
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(d + ldd, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(d + 2 * ldd, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(d + 3 * ldd, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(d + 4 * ldd, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(d + 5 * ldd, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(d + 6 * ldd, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(d + 7 * ldd, Avx.Permute2x128(u3, u7, 0x31));
    }

    /// <summary>d[q·ldd + i] = s[i·lds + q] for i &lt; 4, q &lt; 8: a 4×8 block transposed through AVX registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose4x8(float* s, nint lds, float* d, nint ldd)
    {
        Vector256<float> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + lds);
        Vector256<float> r2 = Avx.LoadVector256(s + 2 * lds), r3 = Avx.LoadVector256(s + 3 * lds);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        // u_j holds k = j in its low half and k = j + 4 in its high half, rows 0–3 in order.
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Sse.Store(d, u0.GetLower()); Sse.Store(d + 4 * ldd, u0.GetUpper());
        Sse.Store(d + ldd, u1.GetLower()); Sse.Store(d + 5 * ldd, u1.GetUpper());
        Sse.Store(d + 2 * ldd, u2.GetLower()); Sse.Store(d + 6 * ldd, u2.GetUpper());
        Sse.Store(d + 3 * ldd, u3.GetLower()); Sse.Store(d + 7 * ldd, u3.GetUpper());
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
