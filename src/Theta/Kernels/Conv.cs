using System.Buffers;
using System.Diagnostics;
using System.Numerics.Tensors;

namespace Theta.Kernels;

/// <summary>
/// 2-D convolution (cross-correlation, as in PyTorch) through im2col + <see cref="Gemm"/>, one image at a time.
/// Stride-1 layers go to <see cref="ConvImplicit"/> (implicit GEMM over a padded image, no column buffer)
/// unless the caller passes implicitGemm: false (the tests run both paths).
/// Shapes: x [N,C,H,W], w [O,C,KH,KW], bias [O], y [N,O,OH,OW], with
/// OH = (H + 2pH − KH)/sH + 1, OW = (W + 2pW − KW)/sW + 1, P = OH·OW, K = C·KH·KW.
///   forward          y_n  = w[O,K] · col_n[K,P] + b
///   backward-data    dx_n += col2im(wᵀ[K,O] · dy_n[O,P])
///   backward-weights dw   += Σ_n dy_n[O,P] · col_nᵀ[P,K],  db += Σ_{n,p} dy_n[·,p]
/// NOTE: images are processed one at a time, images in parallel, each thread with its own column
/// buffer col_n [K,P] (157 KB on the MNIST CNN's 8→16 layer) that stays in L2 from im2col through
/// the GEMM that reads it; backward recomputes col_n rather than keeping the batch's (10 MB on that
/// layer, which went to DRAM and back). The per-image GEMMs run on one thread, so a step forks once
/// per pass, not once per GEMM. On the CNN of the training benchmark (batch 64) a step takes 5.3 ms on 2 threads
/// against 9.0 ms on 1 (12,138 and 7,080 examples/s, medians of 6 rounds on the quiet Zen 2 machine; docs/benchmarks.md,
/// "Two threads against one").
/// NOTE: 1×1 kernels with stride 1 and no padding skip im2col: col_n is x_n [C, H·W] itself.
/// Determinism: backward-weights sums per fixed group of <see cref="Group"/> images into its own
/// partial, then adds the partials in group order, so dw does not depend on the thread count.
/// </summary>
internal static class Conv
{
    /// <summary>Images per partial weight gradient (fixed, so the sum order never depends on threads).</summary>
    public const int Group = 8;

    /// <summary>x [N,C,H,W], w [O,C,KH,KW], bias [O] or empty → y [N,O,OH,OW] (overwritten).</summary>
    public static unsafe void Conv2dForward(ReadOnlySpan<float> x, int N, int C, int H, int W,
        ReadOnlySpan<float> w, int O, int KH, int KW, ReadOnlySpan<float> bias,
        int sH, int sW, int pH, int pW, Span<float> y, bool implicitGemm = true)
    {
        var g = new Geometry(C, H, W, O, KH, KW, sH, sW, pH, pW);
        if (implicitGemm && !g.Pointwise && ConvImplicit.Applies(sH, sW))
        {
            ConvImplicit.Forward(x, N, C, H, W, w, O, KH, KW, bias, pH, pW, y);
            return;
        }
        Debug.Assert(x.Length >= N * g.ImageIn && w.Length >= O * g.K && y.Length >= N * g.ImageOut);
        Debug.Assert(bias.IsEmpty || bias.Length >= O);
        fixed (float* px = x, pw = w, pb = bias, py = y)
        {
            nint ax = (nint)px, aw = (nint)pw, ab = (nint)pb, ay = (nint)py;
            int nb = bias.Length;
            Chunks.ForRange(N, (long)g.K * g.P * O, (from, to) =>
            {
                using var col = g.Pointwise ? default : Scratch.Rent(g.K * g.P);
                var wk = new ReadOnlySpan<float>((float*)aw, O * g.K);
                var b = new ReadOnlySpan<float>((float*)ab, nb);
                for (int n = from; n < to; n++)
                {
                    var xn = new ReadOnlySpan<float>((float*)ax + (long)n * g.ImageIn, g.ImageIn);
                    var yn = new Span<float>((float*)ay + (long)n * g.ImageOut, g.ImageOut);
                    ReadOnlySpan<float> cn = g.Pointwise ? xn : g.Columns(xn, col.Span);
                    Gemm.Sgemm(false, false, O, g.P, g.K, 1f, wk, g.K, cn, g.P, 0f, yn, g.P, threads: 1);
                    if (!b.IsEmpty)
                        for (int o = 0; o < O; o++) TensorPrimitives.Add(yn.Slice(o * g.P, g.P), b[o], yn.Slice(o * g.P, g.P));
                }
            });
        }
    }

    /// <summary>dy [N,O,OH,OW], w [O,C,KH,KW] → dx [N,C,H,W] += ∂L/∂x.</summary>
    public static void Conv2dBackwardData(ReadOnlySpan<float> dy, ReadOnlySpan<float> w,
        int N, int C, int H, int W, int O, int KH, int KW,
        int sH, int sW, int pH, int pW, Span<float> dx, bool implicitGemm = true)
        => Conv2dBackward([], dy, w, N, C, H, W, O, KH, KW, sH, sW, pH, pW, dx, dxFresh: false, [], [], implicitGemm);

    /// <summary>x [N,C,H,W], dy [N,O,OH,OW] → dw [O,C,KH,KW] += ∂L/∂w, db [O] += Σ dy (db may be empty).</summary>
    public static void Conv2dBackwardWeights(ReadOnlySpan<float> x, ReadOnlySpan<float> dy,
        int N, int C, int H, int W, int O, int KH, int KW,
        int sH, int sW, int pH, int pW, Span<float> dw, Span<float> db, bool implicitGemm = true)
        => Conv2dBackward(x, dy, [], N, C, H, W, O, KH, KW, sH, sW, pH, pW, [], dxFresh: false, dw, db, implicitGemm);

    /// <summary>
    /// Both backward passes in one sweep over the images (each image's dy_n is read once while in cache):
    /// dx [N,C,H,W] += col2im(wᵀ·dy_n) when dx is not empty (overwritten when <paramref name="dxFresh"/>:
    /// its memory may hold garbage), dw [O,C,KH,KW] += Σ_n dy_n·col_nᵀ when dw is not empty (x is then
    /// needed), db [O] += Σ dy when db is not empty.
    /// </summary>
    public static unsafe void Conv2dBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, ReadOnlySpan<float> w,
        int N, int C, int H, int W, int O, int KH, int KW, int sH, int sW, int pH, int pW,
        Span<float> dx, bool dxFresh, Span<float> dw, Span<float> db, bool implicitGemm = true)
    {
        var g = new Geometry(C, H, W, O, KH, KW, sH, sW, pH, pW);
        bool wantX = !dx.IsEmpty, wantW = !dw.IsEmpty;
        if (implicitGemm && !g.Pointwise && ConvImplicit.Applies(sH, sW))
        {
            ConvImplicit.Backward(x, dy, w, N, C, H, W, O, KH, KW, pH, pW, dx, dxFresh, dw);
            AddBiasGradient(dy, N, O, g.P, db);
            return;
        }
        Debug.Assert(dy.Length >= N * g.ImageOut);
        Debug.Assert(!wantX || (w.Length >= O * g.K && dx.Length >= N * g.ImageIn));
        Debug.Assert(!wantW || (x.Length >= N * g.ImageIn && dw.Length >= O * g.K));
        if (wantX || wantW)
        {
            int groups = (N + Group - 1) / Group, OK = O * g.K;
            // dwᵀ [K,O] = col_n·dy_nᵀ when that fills more of the register tiles than dw [O,K] = dy_n·col_nᵀ
            // (few output channels make dw short and wide: O = 16 is rows of 6+6+4).
            bool transposed = TileCost(g.K, O) < TileCost(O, g.K);
            using var partial = wantW ? Scratch.Rent(groups * OK) : default;
            fixed (float* px = x, pdy = dy, pw = w, pdx = dx, pp = partial.Span)
            {
                nint ax = (nint)px, ady = (nint)pdy, aw = (nint)pw, adx = (nint)pdx, ap = (nint)pp;
                Chunks.ForRange(groups, (long)Group * g.K * g.P * O * ((wantX ? 1 : 0) + (wantW ? 1 : 0)), (g0, g1) =>
                {
                    using var col = wantW && !g.Pointwise ? Scratch.Rent(g.K * g.P) : default;
                    using var dcol = wantX && !g.Pointwise ? Scratch.Rent(g.K * g.P) : default;
                    var wk = new ReadOnlySpan<float>((float*)aw, wantX ? O * g.K : 0);
                    for (int gi = g0; gi < g1; gi++)
                    {
                        var dwg = new Span<float>((float*)ap + (long)gi * OK, wantW ? OK : 0);
                        for (int n = gi * Group, end = Math.Min(N, n + Group); n < end; n++)
                        {
                            var dyn = new ReadOnlySpan<float>((float*)ady + (long)n * g.ImageOut, g.ImageOut);
                            if (wantW)
                            {
                                var xn = new ReadOnlySpan<float>((float*)ax + (long)n * g.ImageIn, g.ImageIn);
                                ReadOnlySpan<float> cn = g.Pointwise ? xn : g.Columns(xn, col.Span);
                                float beta = n == gi * Group ? 0f : 1f;
                                if (transposed) Gemm.Sgemm(false, true, g.K, O, g.P, 1f, cn, g.P, dyn, g.P, beta, dwg, O, threads: 1);
                                else Gemm.Sgemm(false, true, O, g.K, g.P, 1f, dyn, g.P, cn, g.P, beta, dwg, g.K, threads: 1);
                            }
                            if (wantX)
                            {
                                var dxn = new Span<float>((float*)adx + (long)n * g.ImageIn, g.ImageIn);
                                if (g.Pointwise)  // dx_n [C,P] += wᵀ [C,O] · dy_n [O,P]
                                    Gemm.Sgemm(true, false, C, g.P, O, 1f, wk, C, dyn, g.P, dxFresh ? 0f : 1f, dxn, g.P, threads: 1);
                                else
                                {
                                    if (dxFresh) dxn.Clear();
                                    Gemm.Sgemm(true, false, g.K, g.P, O, 1f, wk, g.K, dyn, g.P, 0f, dcol.Span, g.P, threads: 1);
                                    Im2Col.Backward(dcol.Span, g.P, C, H, W, KH, KW, sH, sW, pH, pW, dxn);
                                }
                            }
                        }
                    }
                });
            }
            if (wantW) AddPartials(partial.Span, groups, O, g.K, transposed, dw);
        }
        AddBiasGradient(dy, N, O, g.P, db);
    }

    /// <summary>dw [O,K] += Σ_g partial_g in group order; partial_g is [O,K], or [K,O] when transposed.</summary>
    private static void AddPartials(ReadOnlySpan<float> partial, int groups, int O, int K, bool transposed, Span<float> dw)
    {
        int OK = O * K;
        for (int gi = 0; gi < groups; gi++)
        {
            var p = partial.Slice(gi * OK, OK);
            if (!transposed) TensorPrimitives.Add(dw[..OK], p, dw[..OK]);
            else
                for (int o = 0; o < O; o++)
                    for (int k = 0; k < K; k++) dw[o * K + k] += p[k * O + o];
        }
    }

    /// <summary>Register tiles of an M×N product, a partial tile counted twice (it is computed whole, then copied).</summary>
    private static int TileCost(int M, int N)
    {
        int tm = (M + GemmMicroKernel.MR - 1) / GemmMicroKernel.MR, tn = (N + GemmMicroKernel.NR - 1) / GemmMicroKernel.NR;
        return tm * tn + (M % GemmMicroKernel.MR != 0 ? tn : 0) + (N % GemmMicroKernel.NR != 0 ? tm : 0);
    }

    /// <summary>One layer's sizes: per-image input and output lengths, P, K, and whether im2col can be skipped.</summary>
    private readonly record struct Geometry(int C, int H, int W, int O, int KH, int KW, int sH, int sW, int pH, int pW)
    {
        public int P { get; } = Im2Col.OutSize(H, KH, sH, pH) * Im2Col.OutSize(W, KW, sW, pW);
        public int K => C * KH * KW;
        public int ImageIn => C * H * W;
        public int ImageOut => O * P;
        public bool Pointwise => KH == 1 && KW == 1 && sH == 1 && sW == 1 && pH == 0 && pW == 0;

        /// <summary>im2col of one image into col [K,P]; returns the filled part.</summary>
        public ReadOnlySpan<float> Columns(ReadOnlySpan<float> xn, Span<float> col)
        {
            Im2Col.Forward(xn, C, H, W, KH, KW, sH, sW, pH, pW, col, P);
            return col[..(K * P)];
        }
    }

    /// <summary>db [O] += Σ_{n,p} dy [N,O,P]; nothing when db is empty.</summary>
    internal static unsafe void AddBiasGradient(ReadOnlySpan<float> dy, int N, int O, int P, Span<float> db)
    {
        if (db.IsEmpty) return;
        Debug.Assert(db.Length >= O && dy.Length >= N * O * P);
        fixed (float* pdy = dy, pdb = db)
        {
            nint ady = (nint)pdy, adb = (nint)pdb;
            Chunks.For(O, (long)N * P, o =>   // channels in parallel: each sums its own planes, in image order
            {
                double s = 0;   // NOTE: double across images, so a large batch does not lose small terms.
                for (int n = 0; n < N; n++) s += TensorPrimitives.Sum(new ReadOnlySpan<float>((float*)ady + ((long)n * O + o) * P, P));
                ((float*)adb)[o] += (float)s;
            });
        }
    }
}
