using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static Theta.Kernels.GemmMicroKernel;

namespace Theta.Kernels;

/// <summary>
/// Stride-1 convolution as implicit GEMMs over a zero-padded copy of each image: no column buffer.
/// Shapes as in <see cref="Conv"/>: x [N,C,H,W], w [O,C,KH,KW], y [N,O,OH,OW], K = C·KH·KW.
/// <para>
/// The trick: copy x_n into xp [C, Hp, Wp] (Hp = H + 2pH, Wp = W + 2pW, zeros around) and index the
/// outputs on the padded grid, q = oh·Wp + ow for ow in [0, Wp): then the im2col row of tap
/// k = (c, kh, kw) is a plain slice, col[k, q] = xp[off(k) + q] with off(k) = (c·Hp + kh)·Wp + kw.
/// The Wp − OW columns of each output row past OW are junk (computed and dropped: 28 % more work
/// on a 14×14 image with a 5×5 kernel, 14 % on 28×28), Q = (OH − 1)·Wp + OW positions in all.
/// </para>
///   forward          yq [O,Q]  = w [O,K] · col [K,Q]       B panels packed straight from xp
///   backward-data    dcol [K,Q] = wᵀ · dyq [O,Q]; dxp[off(k) + q] += dcol[k, q]   (col2im as K slice adds)
///   backward-weights dwᵀ [K,O] += col [K,Q] · dyqᵀ [Q,O]   A rows read in place (<see cref="TileRows"/>)
/// where dyq is dy_n spread onto the padded grid with zeros in the junk columns, so they add nothing.
/// Everything one image needs (xp, one B panel, dyq, dcol) stays in L1/L2.
/// <para>
/// Register tiles per path (<see cref="Isa"/>; the path only changes the speed: every element is the same FMA chain
/// over the same K slices, and the same write-back, so avx512 and avx2 agree bit for bit, as do all thread counts):
///   avx2    forward 6×16 (packed B) or 8×16 with taps in place (AVX-512VL's registers only); backward-data 6×16;
///           backward-weights 6×16, or 12×8 with at most 8 output channels
///   avx512  forward 12×32 (packed B) or 8×32 with taps in place; backward-data 12×32; backward-weights 12×32,
///           12×16 with 9 to 16 output channels, 12×8 (the 256-bit one) with at most 8
/// (<see cref="GemmMicroKernel512"/>); the positions q go in panels of 32 instead of 16 on the avx512 path.
/// </para>
/// </summary>
internal static unsafe class ConvImplicit
{
    /// <summary>True when this path can run: stride 1 on a CPU with AVX2 + FMA, unless THETA_ISA=portable.</summary>
    public static bool Applies(int sH, int sW) => sH == 1 && sW == 1 && Avx2.IsSupported && Fma.IsSupported && Isa.Current != GemmPath.Portable;

    /// <summary>Padded-grid geometry of one layer; positions in panels of Nq (the path's tile width).</summary>
    private sealed class Grid
    {
        public readonly int C, H, W, O, KH, KW, pH, pW, Hp, Wp, OH, OW, Q, QR, K, Nq;
        public readonly int[] Off;   // off(k) for k = (c·KH + kh)·KW + kw

        public Grid(int C, int H, int W, int O, int KH, int KW, int pH, int pW, int Nq)
        {
            this.Nq = Nq;
            (this.C, this.H, this.W, this.O, this.KH, this.KW, this.pH, this.pW) = (C, H, W, O, KH, KW, pH, pW);
            Hp = H + 2 * pH; Wp = W + 2 * pW;
            OH = Hp - KH + 1; OW = Wp - KW + 1;
            Q = (OH - 1) * Wp + OW;
            QR = (Q + Nq - 1) / Nq * Nq;
            K = C * KH * KW;
            Off = new int[K];
            for (int c = 0, k = 0; c < C; c++)
                for (int kh = 0; kh < KH; kh++)
                    for (int kw = 0; kw < KW; kw++) Off[k++] = (c * Hp + kh) * Wp + kw;
        }

        public int Padded => C * Hp * Wp;

        /// <summary>xp interior = x_n (the zero border was written once, when xp was cleared).</summary>
        public void PadImage(float* xn, float* xp)
        {
            for (int c = 0; c < C; c++)
                for (int h = 0; h < H; h++)
                    Unsafe.CopyBlockUnaligned(xp + (c * Hp + h + pH) * Wp + pW, xn + (c * H + h) * W, (uint)(W * sizeof(float)));
        }
    }

    /// <summary>x [N,C,H,W], w [O,C,KH,KW], bias [O] or empty → y [N,O,OH,OW] (overwritten). Stride 1.</summary>
    public static void Forward(ReadOnlySpan<float> x, int N, int C, int H, int W,
        ReadOnlySpan<float> w, int O, int KH, int KW, ReadOnlySpan<float> bias, int pH, int pW, Span<float> y)
        => Forward(x, N, C, H, W, w, O, KH, KW, bias, pH, pW, y, Isa.Current);

    /// <summary>As above on a given path (avx512 or avx2; the tests force the 512-bit one, emulated where the CPU lacks it).</summary>
    internal static void Forward(ReadOnlySpan<float> x, int N, int C, int H, int W,
        ReadOnlySpan<float> w, int O, int KH, int KW, ReadOnlySpan<float> bias, int pH, int pW, Span<float> y, GemmPath path)
    {
        bool wide = path == GemmPath.Avx512;
        int nq = wide ? GemmMicroKernel512.NR : NR, mrFull = wide ? GemmMicroKernel512.MR : MR;
        var g = new Grid(C, H, W, O, KH, KW, pH, pW, nq);
        // Tiles of 8 rows where they cover O with no more rows than the full tiles (avx2: O = 8 is 8 rows against
        // 12, O = 16 is 16 against 18; avx512: 8 against 12, 16 against 24) and, on the avx2 path, the CPU has
        // the registers for them. They read the taps in place; the full tiles read packed B panels.
        int tr = (wide || HasTile8x16) && (O + 7) / 8 * 8 <= (O + mrFull - 1) / mrFull * mrFull ? 8 : mrFull;
        int K = g.K, aPanels = (O + tr - 1) / tr;   // every tile is whole: yq has aPanels·tr rows, QR columns
        Debug.Assert(x.Length >= N * C * H * W && w.Length >= O * K && y.Length >= N * O * g.OH * g.OW);
        using var packedA = Scratch.Rent(aPanels * K * tr);
        fixed (float* pw = w, pa = packedA.Span)
        {
            // w [O,K] packed once for every image: panel r holds rows tr·r .. tr·r + tr − 1, k-major (zero rows past O).
            if (tr != 8) GemmPack.PackA(false, pw, K, 0, O, 0, K, pa, tr);
            else
                for (int r = 0; r < aPanels; r++)
                    for (int p = 0; p < K; p++)
                        for (int i = 0; i < tr; i++)
                            pa[(r * K + p) * tr + i] = r * tr + i < O ? pw[(r * tr + i) * K + p] : 0f;
            fixed (float* px = x, pb = bias, py = y)
            {
                nint ax = (nint)px, ab = (nint)pb, ay = (nint)py, aa = (nint)pa;
                bool hasBias = !bias.IsEmpty;
                Chunks.ForRange(N, (long)K * g.Q * O, (from, to) =>
                {
                    int kSlices = (K + Gemm.KC - 1) / Gemm.KC, kcMax = (K + kSlices - 1) / kSlices;
                    using var xpS = Scratch.Rent(g.Padded);
                    using var yqS = Scratch.Rent(aPanels * tr * g.QR);   // rows past O: zeros of the packed A, dropped
                    using var bpS = Scratch.Rent(kcMax * nq + 16);
                    xpS.Span.Clear();
                    fixed (float* xp = xpS.Span, yq = yqS.Span, bpRaw = bpS.Span)
                    fixed (int* off = g.Off)
                    {
                        float* bp = Align64(bpRaw);
                        for (int n = from; n < to; n++)
                        {
                            g.PadImage((float*)ax + (long)n * C * H * W, xp);
                            for (int jr = 0; jr < g.Q; jr += nq)
                            {
                                int nr = Math.Min(nq, g.Q - jr);
                                for (int s = 0, p0 = 0; s < kSlices; s++)
                                {
                                    int kc = (int)((long)K * (s + 1) / kSlices) - p0;
                                    // 8-row tiles read a whole panel's taps in place (each is nq consecutive floats
                                    // of the padded image), the full-height ones and a last partial panel from a copy.
                                    bool inPlace = tr == 8 && nr == nq;
                                    if (!inPlace) PackPanel(xp, g.Off, p0, kc, jr, nr, nq, bp);
                                    float* b = inPlace ? xp + jr : bp;
                                    int* bOff = inPlace ? off + p0 : null;
                                    float beta = s == 0 ? 0f : 1f;
                                    for (int r = 0; r < aPanels; r++)
                                    {
                                        float* a = (float*)aa + (r * K + p0) * tr, c = yq + r * tr * g.QR + jr;
                                        if (wide && tr == 8) GemmMicroKernel512.Tile8x32(kc, a, b, bOff, c, g.QR, 1f, beta);
                                        else if (wide) GemmMicroKernel512.Tile(kc, a, bp, nq, c, g.QR, tr, nq, 1f, beta);
                                        else if (tr == 8) GemmMicroKernel.Tile8x16(kc, a, b, bOff, c, g.QR, 1f, beta);
                                        else GemmMicroKernel.Tile(GemmPath.Avx2, kc, a, bp, NR, c, g.QR, MR, NR, 1f, beta);
                                    }
                                    p0 += kc;
                                }
                            }
                            Crop(g, yq, (float*)ay + (long)n * O * g.OH * g.OW, hasBias ? (float*)ab : null);
                        }
                    }
                });
            }
        }
    }

    /// <summary>One B panel nq wide: bp[p·nq + j] = xp[off(p0 + p) + jr + j] for j &lt; nr, zeros beyond.</summary>
    private static void PackPanel(float* xp, int[] off, int p0, int kc, int jr, int nr, int nq, float* bp)
    {
        if (nr == nq)
        {
            for (int p = 0; p < kc; p++)
                CopyPanelRow(bp + p * nq, xp + off[p0 + p] + jr, nq);
            return;
        }
        for (int p = 0; p < kc; p++)
        {
            float* src = xp + off[p0 + p] + jr, d = bp + p * nq;
            int j = 0;
            for (; j < nr; j++) d[j] = src[j];
            for (; j < nq; j++) d[j] = 0f;
        }
    }

    /// <summary>
    /// dst[0:nq] = src[0:nq], nq = 16 or 32. NOTE: a copy of constant length, which the JIT turns into a few vector
    /// moves; with nq as a variable length it called memmove for every 64 bytes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyPanelRow(float* dst, float* src, int nq)
    {
        if (nq == NR) Unsafe.CopyBlockUnaligned(dst, src, NR * sizeof(float));
        else Unsafe.CopyBlockUnaligned(dst, src, GemmMicroKernel512.NR * sizeof(float));
    }

    /// <summary>y_n [O,OH,OW] = the valid columns of yq [O,QR] (+ bias).</summary>
    private static void Crop(Grid g, float* yq, float* yn, float* bias)
    {
        for (int o = 0; o < g.O; o++)
            for (int oh = 0; oh < g.OH; oh++)
                Row(yq + o * g.QR + oh * g.Wp, yn + (o * g.OH + oh) * g.OW, g.OW, bias is null ? 0f : bias[o], accumulate: false);
    }

    /// <summary>
    /// dst[0:n] = src[0:n] + b, or dst += src + b when accumulating: one short image row (14 or 28 floats
    /// here, where a library call per row cost more than the arithmetic). With AVX and n ≥ 8, eight at a
    /// time and the last eight overlapping (recomputed from the same src, so the overlap writes the same
    /// values) — except when accumulating, where the tail goes one by one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row(float* src, float* dst, int n, float b, bool accumulate)
    {
        int j = 0;
        if (Avx.IsSupported && n >= 8)
        {
            var vb = Vector256.Create(b);
            for (; j + 8 <= n; j += 8)
            {
                var v = Avx.Add(Avx.LoadVector256(src + j), vb);
                Avx.Store(dst + j, accumulate ? Avx.Add(Avx.LoadVector256(dst + j), v) : v);
            }
            if (j < n && !accumulate)
            {
                Avx.Store(dst + n - 8, Avx.Add(Avx.LoadVector256(src + n - 8), vb));
                return;
            }
        }
        for (; j < n; j++) dst[j] = accumulate ? dst[j] + (src[j] + b) : src[j] + b;
    }

    /// <summary>
    /// dx [N,C,H,W] += ∂L/∂x when dx is not empty (overwritten when dxFresh), dw [O,C,KH,KW] += ∂L/∂w
    /// when dw is not empty. Stride 1. The bias gradient is the caller's (<see cref="Conv.AddBiasGradient"/>).
    /// Images in fixed groups of <see cref="Conv.Group"/>, each summing its own dwᵀ, added in group order.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, ReadOnlySpan<float> w,
        int N, int C, int H, int W, int O, int KH, int KW, int pH, int pW,
        Span<float> dx, bool dxFresh, Span<float> dw)
        => Backward(x, dy, w, N, C, H, W, O, KH, KW, pH, pW, dx, dxFresh, dw, Isa.Current);

    /// <summary>As above on a given path (avx512 or avx2; the tests force the 512-bit one, emulated where the CPU lacks it).</summary>
    internal static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, ReadOnlySpan<float> w,
        int N, int C, int H, int W, int O, int KH, int KW, int pH, int pW,
        Span<float> dx, bool dxFresh, Span<float> dw, GemmPath path)
    {
        bool wide = path == GemmPath.Avx512;
        int nq = wide ? GemmMicroKernel512.NR : NR, mrD = wide ? GemmMicroKernel512.MR : MR;
        var g = new Grid(C, H, W, O, KH, KW, pH, pW, nq);
        bool wantX = !dx.IsEmpty, wantW = !dw.IsEmpty;
        if (!wantX && !wantW) return;
        // NOTE: with at most 8 output channels (the MNIST CNN's first layer) backward-weights uses 12×8 tiles
        // (TileRows12x8) instead of 6×16 ones, half of whose columns would be zero padding; on the avx512 path
        // 9 to 16 channels (its second layer) take 12×16 tiles (one Vector512 a row) rather than half-empty 12×32 ones.
        var (pwid, tileRows) = O <= NarrowColumns ? (NarrowColumns, NarrowRows)
            : !wide ? (NR, MR)
            : O <= 16 ? (16, GemmMicroKernel512.MR)
            : (GemmMicroKernel512.NR, GemmMicroKernel512.MR);
        int panels = (O + pwid - 1) / pwid;
        int K = g.K, OR = panels * pwid, P = g.OH * g.OW, groups = (N + Conv.Group - 1) / Conv.Group;
        using var partial = wantW ? Scratch.Rent(groups * K * OR) : default;   // dwᵀ [K, OR] per group
        int kPanels = (K + mrD - 1) / mrD;
        using var packedWt = wantX ? Scratch.Rent(kPanels * O * mrD) : default;  // wᵀ [K,O] as mrD-row panels, once for all images
        fixed (float* px = x, pdy = dy, pw = w, pdx = dx, pp = partial.Span, pwt = packedWt.Span)
        {
            if (wantX) GemmPack.PackA(true, pw, K, 0, K, 0, O, pwt, mrD);
            nint ax = (nint)px, ady = (nint)pdy, aw = (nint)pwt, adx = (nint)pdx, ap = (nint)pp;
            Chunks.ForRange(groups, (long)Conv.Group * K * g.Q * O * ((wantX ? 1 : 0) + (wantW ? 1 : 0)), (g0, g1) =>
            {
                using var xpS = Scratch.Rent(wantW ? g.Padded : 0);
                using var dyTS = Scratch.Rent(wantW ? panels * g.Q * pwid + 16 : 0);   // dyqᵀ as packed B panels, pwid wide
                using var dyqS = Scratch.Rent(wantX ? O * g.QR : 0);
                using var dcolS = Scratch.Rent(wantX ? kPanels * mrD * g.QR : 0);
                using var bpS = Scratch.Rent(wantX ? O * nq + 16 : 0);
                using var dxpS = Scratch.Rent(wantX ? g.Padded : 0);
                xpS.Span.Clear(); dyTS.Span.Clear(); dyqS.Span.Clear();
                float** rows = stackalloc float*[NarrowRows];
                fixed (float* xp = xpS.Span, dyTRaw = dyTS.Span, dyq = dyqS.Span, dcol = dcolS.Span, dxp = dxpS.Span, bpRaw = bpS.Span)
                {
                    float* dyT = wantW ? Align64(dyTRaw) : null, bp = wantX ? Align64(bpRaw) : null;
                    for (int gi = g0; gi < g1; gi++)
                        for (int n = gi * Conv.Group, end = Math.Min(N, n + Conv.Group); n < end; n++)
                        {
                            float* dyn = (float*)ady + (long)n * O * P;
                            if (wantW)
                            {
                                float* dwT = (float*)ap + (long)gi * K * OR;
                                bool accumulate = n != gi * Conv.Group;
                                g.PadImage((float*)ax + (long)n * C * H * W, xp);
                                SpreadTransposed(g, dyn, dyT, pwid);
                                for (int k0 = 0; k0 < K; k0 += tileRows)
                                {
                                    int mr = Math.Min(tileRows, K - k0);
                                    for (int i = 0; i < tileRows; i++) rows[i] = xp + g.Off[Math.Min(k0 + i, K - 1)];
                                    float beta = accumulate ? 1f : 0f;
                                    for (int s = 0; s < panels; s++)
                                    {
                                        float* b = dyT + s * g.Q * pwid, c = dwT + k0 * OR + s * pwid;
                                        if (pwid == NarrowColumns) GemmMicroKernel.TileRows12x8(g.Q, rows, b, NarrowColumns, c, OR, mr, NarrowColumns, 1f, beta);
                                        else if (!wide) GemmMicroKernel.TileRows(g.Q, rows, b, c, OR, mr, NR, 1f, beta);
                                        else if (pwid == 16) GemmMicroKernel512.TileRows12x16(g.Q, rows, b, c, OR, mr, 1f, beta);
                                        else GemmMicroKernel512.TileRows(g.Q, rows, b, c, OR, mr, pwid, 1f, beta);
                                    }
                                }
                            }
                            if (wantX)
                            {
                                for (int o = 0; o < O; o++)   // dyq [O, QR]: dy_n on the padded grid, junk columns 0
                                    for (int oh = 0; oh < g.OH; oh++)
                                        Unsafe.CopyBlockUnaligned(dyq + o * g.QR + oh * g.Wp, dyn + (o * g.OH + oh) * g.OW, (uint)(g.OW * sizeof(float)));
                                // dcol [K, Q] = wᵀ [K,O] · dyq [O,Q], whole tiles (dcol has kPanels·mrD rows, QR columns)
                                for (int jr = 0; jr < g.QR; jr += nq)
                                {
                                    for (int p = 0; p < O; p++)
                                        CopyPanelRow(bp + p * nq, dyq + p * g.QR + jr, nq);
                                    for (int r = 0; r < kPanels; r++)
                                    {
                                        float* a = (float*)aw + r * O * mrD, c = dcol + r * mrD * g.QR + jr;
                                        if (wide) GemmMicroKernel512.Tile(O, a, bp, nq, c, g.QR, mrD, nq, 1f, 0f);
                                        else GemmMicroKernel.Tile(GemmPath.Avx2, O, a, bp, NR, c, g.QR, MR, NR, 1f, 0f);
                                    }
                                }
                                var dxpSpan = new Span<float>(dxp, g.Padded);
                                dxpSpan.Clear();
                                for (int k = 0; k < K; k++)
                                {
                                    var dst = dxpSpan.Slice(g.Off[k], g.Q);
                                    TensorPrimitives.Add(dst, new ReadOnlySpan<float>(dcol + k * g.QR, g.Q), dst);
                                }
                                float* dxn = (float*)adx + (long)n * C * H * W;
                                for (int c = 0; c < C; c++)
                                    for (int h = 0; h < H; h++)
                                        Row(dxp + (c * g.Hp + h + pH) * g.Wp + pW, dxn + (c * H + h) * W, W, 0f, accumulate: !dxFresh);
                            }
                        }
                }
            });
            if (wantW)   // dw [O,K] += Σ_groups dwᵀ [K, OR], in group order
                for (int gi = 0; gi < groups; gi++)
                {
                    float* pt = pp + (long)gi * K * OR;
                    for (int o = 0; o < O; o++)
                        for (int k = 0; k < K; k++) dw[o * K + k] += pt[k * OR + o];
                }
        }
    }

    /// <summary>
    /// dyT[panel][q][j] = dy_n[pwid·panel + j, oh, ow] at q = oh·Wp + ow: dy_n [O, OH, OW] transposed onto the
    /// padded grid as packed B panels pwid wide (junk positions and channels past O are left as they are: zero).
    /// Eight channels × eight columns at a time through AVX registers when O is a multiple of 8 and OW ≥ 8
    /// (a row's last eight columns overlap the previous block, writing the same values twice).
    /// </summary>
    private static void SpreadTransposed(Grid g, float* dyn, float* dyT, int pwid)
    {
        int O = g.O, P = g.OH * g.OW;
        if (O % 8 == 0 && g.OW >= 8 && Avx.IsSupported)
        {
            for (int o0 = 0; o0 < O; o0 += 8)
            {
                float* panel = dyT + (o0 / pwid) * g.Q * pwid + o0 % pwid;
                for (int oh = 0; oh < g.OH; oh++)
                    for (int ow0 = 0; ow0 < g.OW; ow0 += 8)
                    {
                        int ow = Math.Min(ow0, g.OW - 8);
                        GemmPack.Transpose8x8(dyn + o0 * P + oh * g.OW + ow, P, panel + (oh * g.Wp + ow) * pwid, pwid);
                    }
            }
            return;
        }
        for (int o = 0; o < O; o++)
        {
            float* dst = dyT + (o / pwid) * g.Q * pwid + o % pwid;
            for (int oh = 0; oh < g.OH; oh++)
                for (int ow = 0; ow < g.OW; ow++)
                    dst[(oh * g.Wp + ow) * pwid] = dyn[(o * g.OH + oh) * g.OW + ow];
        }
    }

    /// <summary>The first 64-byte-aligned address at or after p (the buffers are rented with 16 floats to spare).</summary>
    private static float* Align64(float* p) => (float*)(((nint)p + 63) & ~(nint)63);
}
