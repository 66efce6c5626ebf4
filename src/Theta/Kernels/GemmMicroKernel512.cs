using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Theta.Kernels;

/// <summary>
/// The 512-bit register tile of <see cref="Gemm"/> (<see cref="GemmPath.Avx512"/>), MR×NR = 12×32:
///   C[0:12, 0:32] = alpha · Σ_p a[p, 0:12]ᵀ ⊗ b[p, 0:32] + beta · C[0:12, 0:32]   (beta = 0 never reads C),
/// a a packed A panel (kc×12, element (p, i) at p·12 + i) or 12 rows read in place, b a packed B panel (kc×32).
/// Registers: 24 Vector512 accumulators (12 rows × two halves of 16 columns) + 2 loads of b + 1 broadcast of a,
/// 27 of AVX-512's 32 zmm; per k two loads and twelve broadcasts feed 24 FMAs (the 6×16 tile: 2 and 6 feed 12),
/// so each FMA carries 16 lanes and the loads per FMA fall from 0.67 to 0.58.
/// Written with the cross-platform <see cref="Vector512"/> API: on a CPU without AVX-512 the runtime runs it in
/// software (two 256-bit halves, slowly), which is how the tests check its logic on any machine.
/// Every element is the same FMA chain over p from zero, and the write-back the same arithmetic, as in
/// <see cref="GemmMicroKernel"/>: the 512-bit and 256-bit paths agree bit for bit.
/// </summary>
internal static unsafe class GemmMicroKernel512
{
    /// <summary>Tile rows (A panel width).</summary>
    public const int MR = 12;

    /// <summary>Tile columns (B panel width): two Vector512&lt;float&gt;.</summary>
    public const int NR = 32;

    /// <summary>
    /// A full or partial tile from a packed A panel: mr ≤ MR rows and nr ≤ NR columns of C are written.
    /// B's rows are <paramref name="bStride"/> floats apart (NR: a packed panel; ldb: a row-major B read in place).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile(int kc, float* a, float* b, nint bStride, float* c, nint ldc, int mr, int nr, float alpha, float beta)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default, c80 = default, c81 = default;
        Vector512<float> c90 = default, c91 = default, c100 = default, c101 = default, c110 = default, c111 = default;
        for (int p = 0; p < kc; p++, a += MR, b += bStride)
        {
            Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 16);
            Vector512<float> ai = Vector512.Create(a[0]); c00 = Vector512.FusedMultiplyAdd(ai, b0, c00); c01 = Vector512.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector512.Create(a[1]); c10 = Vector512.FusedMultiplyAdd(ai, b0, c10); c11 = Vector512.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector512.Create(a[2]); c20 = Vector512.FusedMultiplyAdd(ai, b0, c20); c21 = Vector512.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector512.Create(a[3]); c30 = Vector512.FusedMultiplyAdd(ai, b0, c30); c31 = Vector512.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector512.Create(a[4]); c40 = Vector512.FusedMultiplyAdd(ai, b0, c40); c41 = Vector512.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector512.Create(a[5]); c50 = Vector512.FusedMultiplyAdd(ai, b0, c50); c51 = Vector512.FusedMultiplyAdd(ai, b1, c51);
            ai = Vector512.Create(a[6]); c60 = Vector512.FusedMultiplyAdd(ai, b0, c60); c61 = Vector512.FusedMultiplyAdd(ai, b1, c61);
            ai = Vector512.Create(a[7]); c70 = Vector512.FusedMultiplyAdd(ai, b0, c70); c71 = Vector512.FusedMultiplyAdd(ai, b1, c71);
            ai = Vector512.Create(a[8]); c80 = Vector512.FusedMultiplyAdd(ai, b0, c80); c81 = Vector512.FusedMultiplyAdd(ai, b1, c81);
            ai = Vector512.Create(a[9]); c90 = Vector512.FusedMultiplyAdd(ai, b0, c90); c91 = Vector512.FusedMultiplyAdd(ai, b1, c91);
            ai = Vector512.Create(a[10]); c100 = Vector512.FusedMultiplyAdd(ai, b0, c100); c101 = Vector512.FusedMultiplyAdd(ai, b1, c101);
            ai = Vector512.Create(a[11]); c110 = Vector512.FusedMultiplyAdd(ai, b0, c110); c111 = Vector512.FusedMultiplyAdd(ai, b1, c111);
        }
        Finish(c, ldc, mr, nr, alpha, beta, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71, c80, c81, c90, c91, c100, c101, c110, c111);
    }

    /// <summary>
    /// As <see cref="Tile"/> with A's rows read in place (a[i][p] = rows[i][p], no packing) and b a packed panel
    /// (kc×NR). Rows i ≥ mr may point anywhere readable for kc floats (their sums are dropped).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TileRows(int kc, float** rows, float* b, float* c, nint ldc, int mr, int nr, float alpha, float beta)
    {
        float* a0 = rows[0], a1 = rows[1], a2 = rows[2], a3 = rows[3], a4 = rows[4], a5 = rows[5];
        float* a6 = rows[6], a7 = rows[7], a8 = rows[8], a9 = rows[9], a10 = rows[10], a11 = rows[11];
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default, c80 = default, c81 = default;
        Vector512<float> c90 = default, c91 = default, c100 = default, c101 = default, c110 = default, c111 = default;
        for (int p = 0; p < kc; p++, b += NR)
        {
            Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 16);
            Vector512<float> ai = Vector512.Create(a0[p]); c00 = Vector512.FusedMultiplyAdd(ai, b0, c00); c01 = Vector512.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector512.Create(a1[p]); c10 = Vector512.FusedMultiplyAdd(ai, b0, c10); c11 = Vector512.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector512.Create(a2[p]); c20 = Vector512.FusedMultiplyAdd(ai, b0, c20); c21 = Vector512.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector512.Create(a3[p]); c30 = Vector512.FusedMultiplyAdd(ai, b0, c30); c31 = Vector512.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector512.Create(a4[p]); c40 = Vector512.FusedMultiplyAdd(ai, b0, c40); c41 = Vector512.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector512.Create(a5[p]); c50 = Vector512.FusedMultiplyAdd(ai, b0, c50); c51 = Vector512.FusedMultiplyAdd(ai, b1, c51);
            ai = Vector512.Create(a6[p]); c60 = Vector512.FusedMultiplyAdd(ai, b0, c60); c61 = Vector512.FusedMultiplyAdd(ai, b1, c61);
            ai = Vector512.Create(a7[p]); c70 = Vector512.FusedMultiplyAdd(ai, b0, c70); c71 = Vector512.FusedMultiplyAdd(ai, b1, c71);
            ai = Vector512.Create(a8[p]); c80 = Vector512.FusedMultiplyAdd(ai, b0, c80); c81 = Vector512.FusedMultiplyAdd(ai, b1, c81);
            ai = Vector512.Create(a9[p]); c90 = Vector512.FusedMultiplyAdd(ai, b0, c90); c91 = Vector512.FusedMultiplyAdd(ai, b1, c91);
            ai = Vector512.Create(a10[p]); c100 = Vector512.FusedMultiplyAdd(ai, b0, c100); c101 = Vector512.FusedMultiplyAdd(ai, b1, c101);
            ai = Vector512.Create(a11[p]); c110 = Vector512.FusedMultiplyAdd(ai, b0, c110); c111 = Vector512.FusedMultiplyAdd(ai, b1, c111);
        }
        Finish(c, ldc, mr, nr, alpha, beta, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71, c80, c81, c90, c91, c100, c101, c110, c111);
    }

    /// <summary>
    /// A whole 8×32 tile for the implicit-GEMM convolution's forward (<see cref="ConvImplicit"/>, 8 or 16 output channels):
    ///   C[0:8, 0:32] = alpha · Σ_p a[p, 0:8]ᵀ ⊗ b[p, 0:32] + beta · C   (beta = 0 never reads C),
    /// a an 8-row packed A panel (element (p, i) at p·8 + i); B's row p is b + p·NR (a packed panel) or, with
    /// <paramref name="bOffsets"/>, b + bOffsets[p] read in place (tap p: 32 consecutive floats of the padded image, any
    /// alignment). 16 Vector512 accumulators + 2 loads + 1 broadcast; per k two loads and eight broadcasts feed 16 FMAs.
    /// The 512-bit twin of <see cref="GemmMicroKernel.Tile8x16"/>: the same FMA chain per element and the same write-back.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile8x32(int kc, float* a, float* b, int* bOffsets, float* c, nint ldc, float alpha, float beta)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        for (int p = 0; p < kc; p++, a += 8)
        {
            float* bp = bOffsets is null ? b + p * NR : b + bOffsets[p];
            Vector512<float> b0 = Vector512.Load(bp), b1 = Vector512.Load(bp + 16);
            Vector512<float> ai = Vector512.Create(a[0]); c00 = Vector512.FusedMultiplyAdd(ai, b0, c00); c01 = Vector512.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector512.Create(a[1]); c10 = Vector512.FusedMultiplyAdd(ai, b0, c10); c11 = Vector512.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector512.Create(a[2]); c20 = Vector512.FusedMultiplyAdd(ai, b0, c20); c21 = Vector512.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector512.Create(a[3]); c30 = Vector512.FusedMultiplyAdd(ai, b0, c30); c31 = Vector512.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector512.Create(a[4]); c40 = Vector512.FusedMultiplyAdd(ai, b0, c40); c41 = Vector512.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector512.Create(a[5]); c50 = Vector512.FusedMultiplyAdd(ai, b0, c50); c51 = Vector512.FusedMultiplyAdd(ai, b1, c51);
            ai = Vector512.Create(a[6]); c60 = Vector512.FusedMultiplyAdd(ai, b0, c60); c61 = Vector512.FusedMultiplyAdd(ai, b1, c61);
            ai = Vector512.Create(a[7]); c70 = Vector512.FusedMultiplyAdd(ai, b0, c70); c71 = Vector512.FusedMultiplyAdd(ai, b1, c71);
        }
        Vector512<float> va = Vector512.Create(alpha), vb = Vector512.Create(beta);
        Row(c + 0 * ldc, c00, c01, va, vb, beta);
        Row(c + 1 * ldc, c10, c11, va, vb, beta);
        Row(c + 2 * ldc, c20, c21, va, vb, beta);
        Row(c + 3 * ldc, c30, c31, va, vb, beta);
        Row(c + 4 * ldc, c40, c41, va, vb, beta);
        Row(c + 5 * ldc, c50, c51, va, vb, beta);
        Row(c + 6 * ldc, c60, c61, va, vb, beta);
        Row(c + 7 * ldc, c70, c71, va, vb, beta);
    }

    /// <summary>
    /// A 12×16 tile with A's rows read in place, for products with 9 to 16 columns (the convolution's backward-weights
    /// dwᵀ = col · dyqᵀ with 16 output channels, where the 12×32 tile would multiply zeros in half its lanes):
    ///   C[i, 0:16] = alpha · Σ_p rows[i][p] · b[p, 0:16] + beta · C[i, 0:16]   (i &lt; mr; beta = 0 never reads C),
    /// b a packed panel 16 wide (kc×16). One Vector512 accumulator a row: per p one load of b, twelve broadcasts,
    /// twelve FMAs. Rows i ≥ mr may point anywhere readable for kc floats. The same FMA chain per element and the
    /// same write-back as the 256-bit tiles (<see cref="GemmMicroKernel.TileRows"/>), so the results agree bit for bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TileRows12x16(int kc, float** rows, float* b, float* c, nint ldc, int mr, float alpha, float beta)
    {
        float* a0 = rows[0], a1 = rows[1], a2 = rows[2], a3 = rows[3], a4 = rows[4], a5 = rows[5];
        float* a6 = rows[6], a7 = rows[7], a8 = rows[8], a9 = rows[9], a10 = rows[10], a11 = rows[11];
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        Vector512<float> c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        for (int p = 0; p < kc; p++, b += 16)
        {
            Vector512<float> b0 = Vector512.Load(b);
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a0[p]), b0, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(a1[p]), b0, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(a2[p]), b0, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(a3[p]), b0, c3);
            c4 = Vector512.FusedMultiplyAdd(Vector512.Create(a4[p]), b0, c4);
            c5 = Vector512.FusedMultiplyAdd(Vector512.Create(a5[p]), b0, c5);
            c6 = Vector512.FusedMultiplyAdd(Vector512.Create(a6[p]), b0, c6);
            c7 = Vector512.FusedMultiplyAdd(Vector512.Create(a7[p]), b0, c7);
            c8 = Vector512.FusedMultiplyAdd(Vector512.Create(a8[p]), b0, c8);
            c9 = Vector512.FusedMultiplyAdd(Vector512.Create(a9[p]), b0, c9);
            c10 = Vector512.FusedMultiplyAdd(Vector512.Create(a10[p]), b0, c10);
            c11 = Vector512.FusedMultiplyAdd(Vector512.Create(a11[p]), b0, c11);
        }
        Vector512<float>* t = stackalloc Vector512<float>[12];
        t[0] = c0; t[1] = c1; t[2] = c2; t[3] = c3; t[4] = c4; t[5] = c5;
        t[6] = c6; t[7] = c7; t[8] = c8; t[9] = c9; t[10] = c10; t[11] = c11;
        Vector512<float> va = Vector512.Create(alpha), vb = Vector512.Create(beta);
        for (int i = 0; i < mr; i++)
        {
            float* ci = c + i * ldc;
            Vector512.Store(beta == 0f ? t[i] * va : Vector512.FusedMultiplyAdd(va, t[i], vb * Vector512.Load(ci)), ci);
        }
    }

    /// <summary>
    /// C = alpha·acc (beta = 0) or fma(alpha, acc, beta·C) from the 24 accumulators: whole rows by vector, a partial
    /// tile through a stack tile of the raw sums and <see cref="GemmMicroKernel.WriteBack"/> (the same arithmetic).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(float* c, nint ldc, int mr, int nr, float alpha, float beta,
        Vector512<float> c00, Vector512<float> c01, Vector512<float> c10, Vector512<float> c11, Vector512<float> c20, Vector512<float> c21,
        Vector512<float> c30, Vector512<float> c31, Vector512<float> c40, Vector512<float> c41, Vector512<float> c50, Vector512<float> c51,
        Vector512<float> c60, Vector512<float> c61, Vector512<float> c70, Vector512<float> c71, Vector512<float> c80, Vector512<float> c81,
        Vector512<float> c90, Vector512<float> c91, Vector512<float> c100, Vector512<float> c101, Vector512<float> c110, Vector512<float> c111)
    {
        if (mr == MR && nr == NR)
        {
            Vector512<float> va = Vector512.Create(alpha), vb = Vector512.Create(beta);
            Row(c + 0 * ldc, c00, c01, va, vb, beta);
            Row(c + 1 * ldc, c10, c11, va, vb, beta);
            Row(c + 2 * ldc, c20, c21, va, vb, beta);
            Row(c + 3 * ldc, c30, c31, va, vb, beta);
            Row(c + 4 * ldc, c40, c41, va, vb, beta);
            Row(c + 5 * ldc, c50, c51, va, vb, beta);
            Row(c + 6 * ldc, c60, c61, va, vb, beta);
            Row(c + 7 * ldc, c70, c71, va, vb, beta);
            Row(c + 8 * ldc, c80, c81, va, vb, beta);
            Row(c + 9 * ldc, c90, c91, va, vb, beta);
            Row(c + 10 * ldc, c100, c101, va, vb, beta);
            Row(c + 11 * ldc, c110, c111, va, vb, beta);
            return;
        }
        float* t = stackalloc float[MR * NR];
        Vector512.Store(c00, t + 0); Vector512.Store(c01, t + 16);
        Vector512.Store(c10, t + 32); Vector512.Store(c11, t + 48);
        Vector512.Store(c20, t + 64); Vector512.Store(c21, t + 80);
        Vector512.Store(c30, t + 96); Vector512.Store(c31, t + 112);
        Vector512.Store(c40, t + 128); Vector512.Store(c41, t + 144);
        Vector512.Store(c50, t + 160); Vector512.Store(c51, t + 176);
        Vector512.Store(c60, t + 192); Vector512.Store(c61, t + 208);
        Vector512.Store(c70, t + 224); Vector512.Store(c71, t + 240);
        Vector512.Store(c80, t + 256); Vector512.Store(c81, t + 272);
        Vector512.Store(c90, t + 288); Vector512.Store(c91, t + 304);
        Vector512.Store(c100, t + 320); Vector512.Store(c101, t + 336);
        Vector512.Store(c110, t + 352); Vector512.Store(c111, t + 368);
        GemmMicroKernel.WriteBack(t, NR, c, ldc, mr, nr, alpha, beta);
    }

    /// <summary>One 32-wide row of C: alpha·acc, or fma(alpha, acc, beta·c).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row(float* c, Vector512<float> lo, Vector512<float> hi, Vector512<float> va, Vector512<float> vb, float beta)
    {
        if (beta == 0f)
        {
            Vector512.Store(lo * va, c);
            Vector512.Store(hi * va, c + 16);
            return;
        }
        Vector512.Store(Vector512.FusedMultiplyAdd(va, lo, vb * Vector512.Load(c)), c);
        Vector512.Store(Vector512.FusedMultiplyAdd(va, hi, vb * Vector512.Load(c + 16)), c + 16);
    }
}
