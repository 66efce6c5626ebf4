using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Theta.Kernels;

/// <summary>Which micro-kernel <see cref="Gemm"/> runs.</summary>
internal enum GemmPath
{
    /// <summary>Hand-written Vector256 + FMA (x86-64 with AVX2 and FMA3).</summary>
    Avx2,
    /// <summary>Vector512 12×32 tiles (<see cref="GemmMicroKernel512"/>): x86-64 with AVX-512F; see <see cref="Isa"/>.</summary>
    Avx512,
    /// <summary><see cref="Vector{T}"/> code for any CPU; also used to test the fallback.</summary>
    Portable,
}

/// <summary>
/// The MR×NR register tile at the heart of <see cref="Gemm"/>:
///   C[0:MR, 0:NR] = alpha · Σ_p a[p, 0:MR]ᵀ ⊗ b[p, 0:NR] + beta · C[0:MR, 0:NR],
/// where a is one packed A panel (kc×MR) and b one packed B panel (kc×NR), see <see cref="GemmPack"/>.
/// C is row-major with leading dimension ldc. beta = 0 never reads C.
/// Every element is one FMA chain over p = 0..kc-1 starting from zero, in both paths, so the result
/// does not depend on where the tile sits or which thread runs it.
/// </summary>
internal static unsafe class GemmMicroKernel
{
    /// <summary>Tile rows (A panel width).</summary>
    public const int MR = 6;

    /// <summary>Tile columns (B panel width): two Vector256&lt;float&gt;.</summary>
    public const int NR = 16;

    /// <summary>The rows and columns of <see cref="TileRows12x8"/>'s tile, for products with at most 8 columns.</summary>
    public const int NarrowRows = 12, NarrowColumns = 8;

    /// <summary>
    /// A full or partial tile: mr ≤ MR rows and nr ≤ NR columns of C are written. Partial tiles
    /// are computed into a stack tile and written back element by element with the same arithmetic
    /// (c = alpha·t, or fma(alpha, t, beta·c)) as the vector write-back. B's rows are
    /// <paramref name="bStride"/> floats apart (NR: a packed panel).
    /// </summary>
    public static void Tile(GemmPath path, int kc, float* a, float* b, nint bStride, float* c, nint ldc,
        int mr, int nr, float alpha, float beta)
    {
        if (mr == MR && nr == NR)
        {
            Full(path, kc, a, b, bStride, c, ldc, alpha, beta);
            return;
        }
        float* t = stackalloc float[MR * NR];
        Full(path, kc, a, b, bStride, t, NR, 1f, 0f); // t = the raw sums, exactly
        WriteBack(t, NR, c, ldc, mr, nr, alpha, beta);
    }

    private static void Full(GemmPath path, int kc, float* a, float* b, nint bStride, float* c, nint ldc, float alpha, float beta)
    {
        if (path == GemmPath.Avx2) Avx2Fma6x16(kc, a, b, bStride, c, ldc, alpha, beta);
        else Portable(kc, a, b, bStride, c, ldc, alpha, beta);
    }

    /// <summary>
    /// 6×16 tile in 12 Vector256 accumulators (c{row}{half}); per k: two loads of b, six broadcasts
    /// of a, twelve FMAs. 12 + 2 + 1 of the 16 ymm registers. B's rows are bStride floats apart: a packed
    /// panel (NR), or a row-major B read in place (its ldb; any alignment), as <see cref="Gemm"/> does when K is short.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Avx2Fma6x16(int kc, float* a, float* b, nint bStride, float* c, nint ldc, float alpha, float beta)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++, a += MR, b += bStride)
        {
            Vector256<float> b0 = Avx.LoadVector256(b), b1 = Avx.LoadVector256(b + 8);
            Vector256<float> ai = Avx.BroadcastScalarToVector256(a);
            c00 = Fma.MultiplyAdd(ai, b0, c00); c01 = Fma.MultiplyAdd(ai, b1, c01);
            ai = Avx.BroadcastScalarToVector256(a + 1);
            c10 = Fma.MultiplyAdd(ai, b0, c10); c11 = Fma.MultiplyAdd(ai, b1, c11);
            ai = Avx.BroadcastScalarToVector256(a + 2);
            c20 = Fma.MultiplyAdd(ai, b0, c20); c21 = Fma.MultiplyAdd(ai, b1, c21);
            ai = Avx.BroadcastScalarToVector256(a + 3);
            c30 = Fma.MultiplyAdd(ai, b0, c30); c31 = Fma.MultiplyAdd(ai, b1, c31);
            ai = Avx.BroadcastScalarToVector256(a + 4);
            c40 = Fma.MultiplyAdd(ai, b0, c40); c41 = Fma.MultiplyAdd(ai, b1, c41);
            ai = Avx.BroadcastScalarToVector256(a + 5);
            c50 = Fma.MultiplyAdd(ai, b0, c50); c51 = Fma.MultiplyAdd(ai, b1, c51);
        }
        WriteTile(c, ldc, alpha, beta, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51);
    }

    /// <summary>Whether <see cref="Tile8x16"/> may run: AVX-512VL gives the JIT 32 vector registers for its 16 accumulators.</summary>
    public static bool HasTile8x16 => Avx512F.VL.IsSupported && Fma.IsSupported;

    /// <summary>
    /// A whole 8×16 tile: C[0:8, 0:16] = alpha · Σ_p a[p, 0:8]ᵀ ⊗ b[p, 0:16] + beta · C, a an 8-row packed A panel
    /// (element (p, i) at p·8 + i), b a packed B panel (kc×NR). 16 Vector256 accumulators + 2 + 1:
    /// only with AVX-512's 32 registers (<see cref="HasTile8x16"/>); on 16 they would spill. For products with 8 or
    /// 16 rows (the CNN's 8 and 16 output channels), which 6-row tiles cover with 12 or 18. The same FMA chain
    /// per element and the same write-back as <see cref="Tile"/>, so the results agree bit for bit. With
    /// <paramref name="bOffsets"/>, B's row p is not packed but read in place at b + bOffsets[p] (any alignment):
    /// the implicit-GEMM convolution's tap p of 16 consecutive positions in the padded image.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile8x16(int kc, float* a, float* b, int* bOffsets, float* c, nint ldc, float alpha, float beta)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector256<float> c60 = default, c61 = default, c70 = default, c71 = default;
        for (int p = 0; p < kc; p++, a += 8)
        {
            float* bp = bOffsets is null ? b + p * NR : b + bOffsets[p];
            Vector256<float> b0 = Avx.LoadVector256(bp), b1 = Avx.LoadVector256(bp + 8);
            Vector256<float> ai = Avx.BroadcastScalarToVector256(a);
            c00 = Fma.MultiplyAdd(ai, b0, c00); c01 = Fma.MultiplyAdd(ai, b1, c01);
            ai = Avx.BroadcastScalarToVector256(a + 1);
            c10 = Fma.MultiplyAdd(ai, b0, c10); c11 = Fma.MultiplyAdd(ai, b1, c11);
            ai = Avx.BroadcastScalarToVector256(a + 2);
            c20 = Fma.MultiplyAdd(ai, b0, c20); c21 = Fma.MultiplyAdd(ai, b1, c21);
            ai = Avx.BroadcastScalarToVector256(a + 3);
            c30 = Fma.MultiplyAdd(ai, b0, c30); c31 = Fma.MultiplyAdd(ai, b1, c31);
            ai = Avx.BroadcastScalarToVector256(a + 4);
            c40 = Fma.MultiplyAdd(ai, b0, c40); c41 = Fma.MultiplyAdd(ai, b1, c41);
            ai = Avx.BroadcastScalarToVector256(a + 5);
            c50 = Fma.MultiplyAdd(ai, b0, c50); c51 = Fma.MultiplyAdd(ai, b1, c51);
            ai = Avx.BroadcastScalarToVector256(a + 6);
            c60 = Fma.MultiplyAdd(ai, b0, c60); c61 = Fma.MultiplyAdd(ai, b1, c61);
            ai = Avx.BroadcastScalarToVector256(a + 7);
            c70 = Fma.MultiplyAdd(ai, b0, c70); c71 = Fma.MultiplyAdd(ai, b1, c71);
        }
        WriteTile(c, ldc, alpha, beta, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51);
        Vector256<float> va = Vector256.Create(alpha);
        if (beta == 0f)
        {
            Store(c + 6 * ldc, c60 * va, c61 * va); Store(c + 7 * ldc, c70 * va, c71 * va);
            return;
        }
        Vector256<float> vb = Vector256.Create(beta);
        Update(c + 6 * ldc, c60, c61, va, vb); Update(c + 7 * ldc, c70, c71, va, vb);
    }

    /// <summary>C[0:MR, 0:NR] = alpha·acc (beta = 0, C never read) or fma(alpha, acc, beta·C), from the 12 accumulators of a whole tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteTile(float* c, nint ldc, float alpha, float beta,
        Vector256<float> c00, Vector256<float> c01, Vector256<float> c10, Vector256<float> c11,
        Vector256<float> c20, Vector256<float> c21, Vector256<float> c30, Vector256<float> c31,
        Vector256<float> c40, Vector256<float> c41, Vector256<float> c50, Vector256<float> c51)
    {
        Vector256<float> va = Vector256.Create(alpha);
        if (beta == 0f)
        {
            Store(c, c00 * va, c01 * va); Store(c + ldc, c10 * va, c11 * va);
            Store(c + 2 * ldc, c20 * va, c21 * va); Store(c + 3 * ldc, c30 * va, c31 * va);
            Store(c + 4 * ldc, c40 * va, c41 * va); Store(c + 5 * ldc, c50 * va, c51 * va);
            return;
        }
        Vector256<float> vb = Vector256.Create(beta);
        Update(c, c00, c01, va, vb); Update(c + ldc, c10, c11, va, vb);
        Update(c + 2 * ldc, c20, c21, va, vb); Update(c + 3 * ldc, c30, c31, va, vb);
        Update(c + 4 * ldc, c40, c41, va, vb); Update(c + 5 * ldc, c50, c51, va, vb);
    }

    /// <summary>
    /// A tile whose A rows are read in place instead of packed: with a[i][p] = rows[i][p],
    ///   C[0:mr, 0:nr] = alpha · Σ_p a[·][p]ᵀ ⊗ b[p, 0:NR] + beta · C   (beta = 0 never reads C),
    /// b one packed B panel (kc×NR, 32-byte aligned). Rows i ≥ mr may point anywhere readable for kc
    /// floats (their sums are dropped). Used by <see cref="Gemm"/> for a row-major A (no A packing) and
    /// by the implicit-GEMM convolution (<see cref="ConvImplicit"/>, rows pointing into a padded image).
    /// AVX2 + FMA only. The same FMA chain per element as <see cref="Tile"/>, so the two agree bit for bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TileRows(int kc, float** rows, float* b, float* c, nint ldc, int mr, int nr, float alpha, float beta)
    {
        float* a0 = rows[0], a1 = rows[1], a2 = rows[2], a3 = rows[3], a4 = rows[4], a5 = rows[5];
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++, b += NR)
        {
            Vector256<float> b0 = Avx.LoadAlignedVector256(b), b1 = Avx.LoadAlignedVector256(b + 8);
            Vector256<float> ai = Avx.BroadcastScalarToVector256(a0 + p);
            c00 = Fma.MultiplyAdd(ai, b0, c00); c01 = Fma.MultiplyAdd(ai, b1, c01);
            ai = Avx.BroadcastScalarToVector256(a1 + p);
            c10 = Fma.MultiplyAdd(ai, b0, c10); c11 = Fma.MultiplyAdd(ai, b1, c11);
            ai = Avx.BroadcastScalarToVector256(a2 + p);
            c20 = Fma.MultiplyAdd(ai, b0, c20); c21 = Fma.MultiplyAdd(ai, b1, c21);
            ai = Avx.BroadcastScalarToVector256(a3 + p);
            c30 = Fma.MultiplyAdd(ai, b0, c30); c31 = Fma.MultiplyAdd(ai, b1, c31);
            ai = Avx.BroadcastScalarToVector256(a4 + p);
            c40 = Fma.MultiplyAdd(ai, b0, c40); c41 = Fma.MultiplyAdd(ai, b1, c41);
            ai = Avx.BroadcastScalarToVector256(a5 + p);
            c50 = Fma.MultiplyAdd(ai, b0, c50); c51 = Fma.MultiplyAdd(ai, b1, c51);
        }
        if (mr == MR && nr == NR)
        {
            WriteTile(c, ldc, alpha, beta, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51);
            return;
        }
        float* t = stackalloc float[MR * NR];
        Store(t, c00, c01); Store(t + NR, c10, c11); Store(t + 2 * NR, c20, c21);
        Store(t + 3 * NR, c30, c31); Store(t + 4 * NR, c40, c41); Store(t + 5 * NR, c50, c51);
        WriteBack(t, NR, c, ldc, mr, nr, alpha, beta);
    }

    /// <summary>
    /// A 12×8 tile with its A rows read in place:
    ///   C[i, 0:nr] = alpha · Σ_p rows[i][p] · b[p, 0:nr] + beta · C[i, 0:nr]   (i &lt; mr, nr ≤ 8; beta = 0 never reads C),
    /// b the first 8 columns of a packed panel whose rows are <paramref name="bStride"/> floats apart (8: a panel packed
    /// 8 wide; <see cref="NR"/>: the left half of a 6×16 tile's panel), 32-byte aligned. For products, or the last
    /// columns of one, with at most 8 columns, where the 6×16 tile would multiply zeros in half its lanes or more.
    /// Per p: one load of b, twelve broadcasts, twelve FMAs. The same FMA chain per element and the same write-back
    /// arithmetic as the other tiles, so the results agree bit for bit. Rows i ≥ mr may point anywhere readable.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TileRows12x8(int kc, float** rows, float* b, nint bStride, float* c, nint ldc, int mr, int nr, float alpha, float beta)
    {
        float* a0 = rows[0], a1 = rows[1], a2 = rows[2], a3 = rows[3], a4 = rows[4], a5 = rows[5];
        float* a6 = rows[6], a7 = rows[7], a8 = rows[8], a9 = rows[9], a10 = rows[10], a11 = rows[11];
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        Vector256<float> c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        for (int p = 0; p < kc; p++, b += bStride)
        {
            Vector256<float> b0 = Avx.LoadAlignedVector256(b);
            c0 = Fma.MultiplyAdd(Avx.BroadcastScalarToVector256(a0 + p), b0, c0);
            c1 = Fma.MultiplyAdd(Avx.BroadcastScalarToVector256(a1 + p), b0, c1);
            c2 = Fma.MultiplyAdd(Avx.BroadcastScalarToVector256(a2 + p), b0, c2);
            c3 = Fma.MultiplyAdd(Avx.BroadcastScalarToVector256(a3 + p), b0, c3);
            c4 = Fma.MultiplyAdd(Avx.BroadcastScalarToVector256(a4 + p), b0, c4);
            c5 = Fma.MultiplyAdd(Avx.BroadcastScalarToVector256(a5 + p), b0, c5);
            c6 = Fma.MultiplyAdd(Avx.BroadcastScalarToVector256(a6 + p), b0, c6);
            c7 = Fma.MultiplyAdd(Avx.BroadcastScalarToVector256(a7 + p), b0, c7);
            c8 = Fma.MultiplyAdd(Avx.BroadcastScalarToVector256(a8 + p), b0, c8);
            c9 = Fma.MultiplyAdd(Avx.BroadcastScalarToVector256(a9 + p), b0, c9);
            c10 = Fma.MultiplyAdd(Avx.BroadcastScalarToVector256(a10 + p), b0, c10);
            c11 = Fma.MultiplyAdd(Avx.BroadcastScalarToVector256(a11 + p), b0, c11);
        }
        Vector256<float>* t = stackalloc Vector256<float>[12];
        t[0] = c0; t[1] = c1; t[2] = c2; t[3] = c3; t[4] = c4; t[5] = c5;
        t[6] = c6; t[7] = c7; t[8] = c8; t[9] = c9; t[10] = c10; t[11] = c11;
        if (nr < 8)
        {
            WriteBack((float*)t, 8, c, ldc, mr, nr, alpha, beta);
            return;
        }
        Vector256<float> va = Vector256.Create(alpha), vb = Vector256.Create(beta);
        for (int i = 0; i < mr; i++)
        {
            float* ci = c + i * ldc;
            Avx.Store(ci, beta == 0f ? t[i] * va : Fma.MultiplyAdd(va, t[i], vb * Avx.LoadVector256(ci)));
        }
    }

    /// <summary>C[0:mr, 0:nr] from the raw sums t (rows tStride apart) with the vector write-back's arithmetic.</summary>
    internal static void WriteBack(float* t, int tStride, float* c, nint ldc, int mr, int nr, float alpha, float beta)
    {
        for (int i = 0; i < mr; i++)
        {
            float* ci = c + i * ldc, ti = t + i * tStride;
            for (int j = 0; j < nr; j++)
                ci[j] = beta == 0f ? alpha * ti[j] : MathF.FusedMultiplyAdd(alpha, ti[j], beta * ci[j]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector256<float> lo, Vector256<float> hi)
    {
        Avx.Store(c, lo);
        Avx.Store(c + 8, hi);
    }

    /// <summary>c = fma(alpha, acc, beta·c) for one 16-wide row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* c, Vector256<float> lo, Vector256<float> hi, Vector256<float> va, Vector256<float> vb)
    {
        Avx.Store(c, Fma.MultiplyAdd(va, lo, vb * Avx.LoadVector256(c)));
        Avx.Store(c + 8, Fma.MultiplyAdd(va, hi, vb * Avx.LoadVector256(c + 8)));
    }

    /// <summary>
    /// Any-CPU tile with <see cref="Vector{T}"/>: one accumulator per (row, vector of columns),
    /// each a chain of fused multiply-adds over p (Vector.FusedMultiplyAdd; where the hardware has
    /// no FMA the runtime emulates it exactly, slowly — this path is the fallback, not the fast one).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Portable(int kc, float* a, float* b, nint bStride, float* c, nint ldc, float alpha, float beta)
    {
        int w = Vector<float>.Count;
        for (int i = 0; i < MR; i++)
            for (int j = 0; j < NR; j += w)
            {
                Vector<float> acc = Vector<float>.Zero;
                float* ap = a + i, bp = b + j;
                for (int p = 0; p < kc; p++, ap += MR, bp += bStride)
                    acc = Vector.FusedMultiplyAdd(new Vector<float>(*ap), Unsafe.ReadUnaligned<Vector<float>>(bp), acc);
                float* cp = c + i * ldc + j;
                Vector<float> r = beta == 0f
                    ? acc * alpha
                    : Vector.FusedMultiplyAdd(new Vector<float>(alpha), acc, Unsafe.ReadUnaligned<Vector<float>>(cp) * beta);
                Unsafe.WriteUnaligned(cp, r);
            }
    }
}
