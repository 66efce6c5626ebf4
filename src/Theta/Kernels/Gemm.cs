using System.Diagnostics;
using static Theta.Kernels.GemmMicroKernel;

namespace Theta.Kernels;

/// <summary>
/// Single-precision GEMM over row-major spans: C[M×N] = alpha·op(A)·op(B) + beta·C.
/// op(A) is A [M×K] (lda ≥ K) or, when transA, Aᵀ with A stored [K×M] (lda ≥ M); likewise B
/// is [K×N] (ldb ≥ N) or, when transB, stored [N×K] (ldb ≥ K). C is [M×N] with ldc ≥ N.
/// beta = 0 overwrites C (NaN in C does not leak through); beta = 1 accumulates (used for +=).
/// </summary>
/// <remarks>
/// The GotoBLAS/BLIS loop nest (jc → pc → ic → jr → ir → micro-kernel): B is packed a KC×NC block
/// at a time into NR-column panels, A an MC×KC block at a time into MR-row panels
/// (<see cref="GemmPack"/>), and the <see cref="GemmMicroKernel"/> multiplies one A panel by one
/// B panel into an MR×NR tile of C held in registers.
/// Block sizes, for this machine (AMD EPYC, 48 KiB L1d, 1 MiB L2 per core, large shared L3):
/// <list type="bullet">
/// <item>KC = 256: one B panel (KC·NR·4 B = 16 KiB) plus one A panel (KC·MR·4 B = 6 KiB) stay in
///   L1 while the micro-kernel streams them; long enough to amortise writing the C tile.</item>
/// <item>MC = 144: the packed A block (MC·KC·4 B = 144 KiB) stays in L2 while every B panel of
///   the block passes over it, leaving most of L2 for the B panels and C.</item>
/// <item>NC = 4096: the packed B block (KC·NC·4 B = 4 MiB) lives in L3.</item>
/// </list>
/// K is cut into ⌈K/KC⌉ near-equal slices (no tiny last slice). The first slice writes
/// C = alpha·s + beta·C, later ones C = alpha·s + C.
/// Threads split M or N (<see cref="SplitM"/>) into contiguous ranges of whole tiles; each thread packs
/// what it needs into its own buffers. Every element of C is computed by one thread in the same
/// order whatever the thread count, so results are bit-identical for any <c>threads</c>.
/// </remarks>
internal static unsafe class Gemm
{
    public const int KC = 256, MC = 144, NC = 4096;

    /// <summary>
    /// Below this many multiply-adds (M·N·K ≈ 100³, ~20 µs on one core) one thread is faster than
    /// waking a pool thread (measured: 64³ ran at 74 GFLOP/s on 1 thread, 29 on 2; 96³ gained from 2).
    /// </summary>
    public const long ParallelThreshold = 1L << 20;

    /// <summary>The GEMM's call site for <see cref="ParallelChoice"/>.</summary>
    private const nint ChoiceSite = 1;

    /// <summary>The micro-kernel for this process: <see cref="Isa.Current"/> (THETA_ISA, or the fastest this CPU runs).</summary>
    public static GemmPath DefaultPath => Isa.Current;

    /// <summary>
    /// Whether the 512-bit path reads a row-major A in place (12 row pointers, as the 256-bit path reads 6) rather than
    /// packing it into 12-row panels (<see cref="GemmPack.PackA"/>, 8×8 and 4×8 register transposes). Packing is the
    /// default: see docs/benchmarks.md for the measurement (tests run both ways).
    /// </summary>
    internal static bool InPlaceA512 { get; set; }

    /// <summary>Whether a path reads a row-major A (not transposed) in place instead of packing it.</summary>
    private static bool ReadsAInPlace(GemmPath path, bool transA)
        => !transA && (path == GemmPath.Avx2 || (path == GemmPath.Avx512 && InPlaceA512));

    /// <summary>The register tile's rows (A panel width) and columns (B panel width) on a path.</summary>
    public static (int MR, int NR) TileShape(GemmPath path)
        => path == GemmPath.Avx512 ? (GemmMicroKernel512.MR, GemmMicroKernel512.NR) : (MR, NR);

    /// <param name="threads">0 = <see cref="ThetaRuntime.Threads"/>; 1 = single-threaded.</param>
    public static void Sgemm(bool transA, bool transB, int M, int N, int K, float alpha,
        ReadOnlySpan<float> A, int lda, ReadOnlySpan<float> B, int ldb,
        float beta, Span<float> C, int ldc, int threads = 0)
        => Sgemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, threads, DefaultPath);

    /// <summary>As above, with the micro-kernel chosen by the caller (tests force the portable one).</summary>
    internal static void Sgemm(bool transA, bool transB, int M, int N, int K, float alpha,
        ReadOnlySpan<float> A, int lda, ReadOnlySpan<float> B, int ldb,
        float beta, Span<float> C, int ldc, int threads, GemmPath path)
    {
        Debug.Assert(M >= 0 && N >= 0 && K >= 0 && threads >= 0);
        Debug.Assert(ldc >= N && lda >= (transA ? M : K) && ldb >= (transB ? K : N));
        if (M == 0 || N == 0) return;
        Debug.Assert(C.Length >= (M - 1) * (long)ldc + N);
        if (K == 0 || alpha == 0f)
        {
            ScaleC(M, N, beta, C, ldc);
            return;
        }
        Debug.Assert(A.Length >= (transA ? (K - 1) * (long)lda + M : (M - 1) * (long)lda + K));
        Debug.Assert(B.Length >= (transB ? (N - 1) * (long)ldb + K : (K - 1) * (long)ldb + N));

        int t = threads == 0 ? ThetaRuntime.Threads : threads;
        if ((long)M * N * K < ParallelThreshold) t = 1;
        fixed (float* a = A, b = B, c = C)
        {
            var job = new Job(path, transA, transB, K, alpha, a, lda, b, ldb, beta, c, ldc);
            var (mr, nr) = TileShape(path);
            bool splitM = SplitM(M, N, K, t, ReadsAInPlace(path, transA), mr, nr);
            int tiles = splitM ? (M + mr - 1) / mr : (N + nr - 1) / nr;
            t = Math.Min(t, tiles);
            // One thread or t, by measurement per shape (ParallelChoice): the same bits either way.
            uint flags = (uint)((transA ? 1 : 0) | (transB ? 2 : 0) | ((int)path << 2) | (t << 8));
            var ticket = ParallelChoice.Start(ChoiceSite, M, N, ((long)K << 32) + flags, t);
            int chosen = ticket.Threads;
            if (chosen == 1) job.Run(0, M, 0, N);
            else
                Workers.Run(chosen, w =>
                {
                    // Worker w takes tiles [tiles·w/t, tiles·(w+1)/t) of the split dimension.
                    int from = (int)((long)tiles * w / chosen), to = (int)((long)tiles * (w + 1) / chosen);
                    if (splitM) job.Run(from * mr, Math.Min(to * mr, M), 0, N);
                    else job.Run(0, M, from * nr, Math.Min(to * nr, N));
                });
            ticket.Done();
        }
    }

    /// <summary>
    /// Whether t threads should split M (rows of C) rather than N. Splitting M makes every thread pack
    /// all of B (K·N floats); splitting N makes every thread pack all of A (M·K), or nothing when A is read
    /// in place. Cost = the largest thread's share of the M·N·K multiply-adds (whole tiles) plus the
    /// duplicated packing, one packed float counted as 8 multiply-adds (a scalar move against 16 lanes of FMA).
    /// NOTE: the MLP's forward x·Wᵀ at batch 256 split M (256 ≥ 128) and both threads packed all of Wᵀ;
    /// splitting N packs nothing twice.
    /// </summary>
    private static bool SplitM(int M, int N, int K, int t, bool aInPlace, int MR, int NR)
    {
        static double Share(int tiles, int t) => (double)((tiles + t - 1) / t) / tiles;
        double mnk = (double)M * N * K;
        double byM = mnk * Share((M + MR - 1) / MR, t) + 8.0 * K * N;
        double byN = mnk * Share((N + NR - 1) / NR, t) + (aInPlace ? 0 : 8.0 * M * K);
        return byM < byN;
    }

    /// <summary>C[M×N] = beta·C (beta = 0 writes zeros, never reads C).</summary>
    private static void ScaleC(int M, int N, float beta, Span<float> C, int ldc)
    {
        for (int i = 0; i < M; i++)
        {
            Span<float> row = C.Slice(i * ldc, N);
            if (beta == 0f) row.Clear();
            else if (beta != 1f) System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
        }
    }

    /// <summary>
    /// One product with its operands pinned; <see cref="Run"/> computes a block of C. TM×TN is the path's
    /// register tile (6×16, or 12×32 on <see cref="GemmPath.Avx512"/>); the block sizes and K slices are the same
    /// on every path, so every element of C is the same FMA chain whichever path runs.
    /// </summary>
    private sealed class Job(GemmPath path, bool transA, bool transB, int K, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc)
    {
        private readonly int TM = TileShape(path).MR, TN = TileShape(path).NR;

        /// <summary>C[m0:m1, n0:n1] (m0 a multiple of TM, n0 of TN) on the calling thread.</summary>
        public void Run(int m0, int m1, int n0, int n1)
        {
            GemmPackBuffers buffers = GemmPackBuffers.ForCurrentThread;
            int kSlices = (K + KC - 1) / KC, kcMax = (K + kSlices - 1) / kSlices;
            int ncMax = Math.Min(NC, RoundUp(n1 - n0, TN)), mcMax = Math.Min(MC, RoundUp(m1 - m0, TM));
            float* bp = buffers.B((nuint)(kcMax * ncMax)), ap = buffers.A((nuint)(kcMax * mcMax));
            bool aInPlace = ReadsAInPlace(path, transA);
            // A row-major B with one short K slice is read in place by the packed-A tiles: its kc rows of 16
            // columns stay in L1 across the block's row tiles as well as a packed panel would. NOTE: the MLP's
            // weight gradient gᵀ·x (K = 64, the batch) copied all of x into panels on every step. The 512-bit
            // tile's 32 columns (128 B a row) at B's stride fill L1's sets unevenly: only for K ≤ 128 there.
            bool bInPlace = !transB && !aInPlace && path != GemmPath.Portable && kSlices == 1
                && (path == GemmPath.Avx2 || K <= 128);
            for (int jc = n0; jc < n1; jc += NC)
            {
                int nc = Math.Min(NC, n1 - jc);
                for (int s = 0, pc = 0; s < kSlices; s++)
                {
                    int kc = (int)((long)K * (s + 1) / kSlices) - pc;
                    if (!bInPlace) GemmPack.PackB(transB, b, ldb, pc, kc, jc, nc, bp, TN);
                    float betaK = s == 0 ? beta : 1f;
                    for (int ic = m0; ic < m1; ic += MC)
                    {
                        int mc = Math.Min(MC, m1 - ic);
                        if (aInPlace)   // a row-major A is read in place: no packing
                            MacroRows(kc, ic, ic + mc, nc, a + pc, bp, c + jc, betaK);
                        else
                        {
                            GemmPack.PackA(transA, a, lda, ic, mc, pc, kc, ap, TM);
                            Macro(kc, mc, nc, ap, bp, bInPlace ? b + pc * ldb + jc : null, c + ic * ldc + jc, betaK);
                        }
                    }
                    pc += kc;
                }
            }
        }

        /// <summary>
        /// C[mc×nc] (at cBlock) = alpha·packedA·op(B) + beta·C, tile by tile; jr outer so one B panel stays in L1.
        /// op(B) is the packed block bp, or, with <paramref name="bRows"/> (B at this slice's row and block's
        /// column), B itself, whole panels read in place and a last partial one packed into bp.
        /// </summary>
        private void Macro(int kc, int mc, int nc, float* ap, float* bp, float* bRows, float* cBlock, float betaK)
        {
            for (int jr = 0; jr < nc; jr += TN)
            {
                int nr = Math.Min(TN, nc - jr);
                float* bPanel = bp + jr * kc;
                nint bStride = TN;
                if (bRows is not null && nr == TN) { bPanel = bRows + jr; bStride = ldb; }
                else if (bRows is not null) GemmPack.PackB(false, bRows + jr, ldb, 0, kc, 0, nr, bPanel, TN);
                for (int ir = 0; ir < mc; ir += TM)
                {
                    int mr = Math.Min(TM, mc - ir);
                    if (path == GemmPath.Avx512)
                        GemmMicroKernel512.Tile(kc, ap + ir * kc, bPanel, bStride, cBlock + ir * ldc + jr, ldc, mr, nr, alpha, betaK);
                    else
                        GemmMicroKernel.Tile(path, kc, ap + ir * kc, bPanel, bStride, cBlock + ir * ldc + jr, ldc, mr, nr, alpha, betaK);
                }
            }
        }

        /// <summary>
        /// C[m0:m1, 0:nc] (at cCols) = alpha·A[m0:m1, slice]·packedB + beta·C with a row-major A read in place
        /// (aSlice points at column pc of row 0): <see cref="GemmMicroKernel.TileRows"/> broadcasts straight
        /// from A's rows. NOTE: packing a row-major A interleaves six rows element by element, which cost as
        /// much as the multiply on the MLP's forward x·Wᵀ (M = 64, K = 784); the rows are read just as fast in place.
        /// </summary>
        private void MacroRows(int kc, int m0, int m1, int nc, float* aSlice, float* bp, float* cCols, float betaK)
        {
            float** rows = stackalloc float*[Math.Max(NarrowRows, GemmMicroKernel512.MR)];
            for (int jr = 0; jr < nc; jr += TN)
            {
                int nr = Math.Min(TN, nc - jr);
                float* bPanel = bp + jr * kc;
                if (nr <= NarrowColumns)   // a last panel of ≤ 8 columns: 12×8 tiles (NarrowRows × NarrowColumns) over its left part
                {
                    for (int ir = m0; ir < m1; ir += NarrowRows)
                    {
                        int mr = Math.Min(NarrowRows, m1 - ir);
                        for (int i = 0; i < NarrowRows; i++) rows[i] = aSlice + Math.Min(ir + i, m1 - 1) * lda;
                        GemmMicroKernel.TileRows12x8(kc, rows, bPanel, TN, cCols + ir * ldc + jr, ldc, mr, nr, alpha, betaK);
                    }
                    continue;
                }
                if (path == GemmPath.Avx512)
                {
                    for (int ir = m0; ir < m1; ir += GemmMicroKernel512.MR)
                    {
                        for (int i = 0; i < GemmMicroKernel512.MR; i++) rows[i] = aSlice + Math.Min(ir + i, m1 - 1) * lda;
                        GemmMicroKernel512.TileRows(kc, rows, bPanel, cCols + ir * ldc + jr, ldc,
                            Math.Min(GemmMicroKernel512.MR, m1 - ir), nr, alpha, betaK);
                    }
                    continue;
                }
                // NOTE: the 256-bit tile's loop with its constant MR (unrolled row pointers): with the tile height a
                // field, 784×64×128 (131 row tiles of 64 multiply-adds deep) ran 1.3 % slower.
                for (int ir = m0; ir < m1; ir += MR)
                {
                    for (int i = 0; i < MR; i++) rows[i] = aSlice + Math.Min(ir + i, m1 - 1) * lda;
                    GemmMicroKernel.TileRows(kc, rows, bPanel, cCols + ir * ldc + jr, ldc, Math.Min(MR, m1 - ir), nr, alpha, betaK);
                }
            }
        }

        private static int RoundUp(int x, int m) => (x + m - 1) / m * m;
    }
}
