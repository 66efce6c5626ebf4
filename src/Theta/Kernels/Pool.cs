using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Theta.Kernels;

/// <summary>
/// 2-D max-pooling over x [N,C,H,W] → y [N,C,OH,OW], OH = (H + 2pH − KH)/sH + 1 (likewise OW):
///   y[n,c,oh,ow] = max over the window rows oh·sH−pH .. +KH−1, columns ow·sW−pW .. +KW−1,
/// with padding counting as −∞ (it never wins). argmax [N,C,OH,OW] keeps, for backward, the flat
/// index into the whole x of the winner. Ties go to the first maximum in row-major window order;
/// a NaN wins over numbers (the first NaN, as it propagates in PyTorch).
/// Requires pH &lt; KH and pW &lt; KW so every window holds a real element (PyTorch asks the
/// stricter pad ≤ kernel/2; callers validate); argmax is −1 and y is −∞ only if that is broken.
/// </summary>
internal static class Pool
{
    /// <summary>x [N,C,H,W] → y [N,C,OH,OW] (overwritten), argmax [N,C,OH,OW] (flat indices into x).
    /// Planes (n, c) in parallel: each writes its own slice of y and argmax.</summary>
    public static unsafe void MaxPool2dForward(ReadOnlySpan<float> x, int N, int C, int H, int W,
        int KH, int KW, int sH, int sW, int pH, int pW, Span<float> y, Span<int> argmax)
    {
        int OH = Im2Col.OutSize(H, KH, sH, pH), OW = Im2Col.OutSize(W, KW, sW, pW);
        Debug.Assert(pH < KH && pW < KW && OH >= 1 && OW >= 1);
        Debug.Assert(x.Length >= N * C * H * W && y.Length >= N * C * OH * OW && argmax.Length >= N * C * OH * OW);
        fixed (float* px = x, py = y)
        fixed (int* pa = argmax)
        {
            // NOTE: spans cannot enter a lambda; the pinned addresses can.
            nint ax = (nint)px, ay = (nint)py, aa = (nint)pa;
            Chunks.For(N * C, (long)H * W, plane =>
                Plane(new ReadOnlySpan<float>((float*)ax, N * C * H * W), plane, H, W, KH, KW, sH, sW, pH, pW, OH, OW,
                    new Span<float>((float*)ay, N * C * OH * OW), new Span<int>((int*)aa, N * C * OH * OW)));
        }
    }

    private static unsafe void Plane(ReadOnlySpan<float> x, int plane, int H, int W, int KH, int KW, int sH, int sW, int pH, int pW,
        int OH, int OW, Span<float> y, Span<int> argmax)
    {
        int xBase = plane * H * W, yBase = plane * OH * OW;
        if (sH == KH && sW == KW && pH == 0 && pW == 0)
        {
            fixed (float* px = x, py = y)
            fixed (int* pa = argmax)
                Tiled(px + xBase, xBase, H, W, KH, KW, OH, OW, py + yBase, pa + yBase);
            return;
        }
        for (int oh = 0; oh < OH; oh++)
        {
            // Clamp the window to the image once per row, so the inner loops have no bounds branch.
            int h0 = oh * sH - pH, h1 = Math.Min(h0 + KH, H);
            h0 = Math.Max(h0, 0);
            for (int ow = 0; ow < OW; ow++)
            {
                int w0 = ow * sW - pW, w1 = Math.Min(w0 + KW, W);
                w0 = Math.Max(w0, 0);
                float best = float.NegativeInfinity;
                int at = -1;
                for (int ih = h0; ih < h1; ih++)
                {
                    int r = xBase + ih * W;
                    for (int iw = w0; iw < w1; iw++)
                    {
                        float v = x[r + iw];
                        if (at < 0 || v > best || (float.IsNaN(v) && !float.IsNaN(best))) { best = v; at = r + iw; }
                    }
                }
                y[yBase + oh * OW + ow] = best;
                argmax[yBase + oh * OW + ow] = at;
            }
        }
    }

    /// <summary>
    /// Windows that tile the plane (stride = kernel, no padding): every window lies inside and starts
    /// at its first element. x points at the plane, whose first element has flat index xBase.
    /// Two columns wide (the usual 2×2 / 2) with AVX2: eight windows of a row at a time, branch-free
    /// (random data makes a branch per comparison a coin toss); a row's last eight windows are done as
    /// one vector that overlaps the previous one (writing the same values twice). Other tiling windows
    /// with AVX2: eight at a time, one gather per tap; what is left, one window at a time.
    /// </summary>
    private static unsafe void Tiled(float* x, int xBase, int H, int W, int KH, int KW, int OH, int OW, float* y, int* argmax)
    {
        if (KW == 2 && OW >= 8 && Avx2.IsSupported)
        {
            var lane2 = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
            for (int oh = 0; oh < OH; oh++)
            {
                float* row = x + oh * KH * W;
                for (int ow0 = 0; ow0 < OW; ow0 += 8)
                {
                    int ow = Math.Min(ow0, OW - 8);
                    Vector256<float> best = default;
                    Vector256<int> off = Vector256<int>.Zero;
                    for (int kh = 0; kh < KH; kh++)
                    {
                        float* r = row + kh * W + 2 * ow;
                        Vector256<float> a = Avx.LoadVector256(r), b = Avx.LoadVector256(r + 8);
                        // Deinterleave: the windows' left columns and right columns, in window order.
                        Vector256<float> left = Avx2.Permute4x64(Avx.Shuffle(a, b, 0x88).AsDouble(), 0xD8).AsSingle();
                        Vector256<float> right = Avx2.Permute4x64(Avx.Shuffle(a, b, 0xDD).AsDouble(), 0xD8).AsSingle();
                        if (kh == 0) best = left;
                        else Take(ref best, ref off, left, kh * W);
                        Take(ref best, ref off, right, kh * W + 1);
                    }
                    Avx.Store(y + oh * OW + ow, best);
                    Avx.Store(argmax + oh * OW + ow, off + lane2 + Vector256.Create(xBase + oh * KH * W + 2 * ow));
                }
            }
            return;
        }
        int windows = OH * OW, w = 0;
        if (windows >= 8 && Avx2.IsSupported)
        {
            // Any other tiling window: eight windows (of the flattened OH×OW) at a time, a gather per tap.
            int taps = KH * KW;
            int* start = stackalloc int[8];
            for (; w + 8 <= windows; w += 8)
            {
                for (int j = 0; j < 8; j++) start[j] = (w + j) / OW * KH * W + (w + j) % OW * KW;
                Vector256<int> s0 = Avx.LoadVector256(start), off = Vector256<int>.Zero;
                Vector256<float> best = Avx2.GatherVector256(x, s0, 4);
                for (int t = 1; t < taps; t++)
                {
                    int tap = t / KW * W + t % KW;
                    Take(ref best, ref off, Avx2.GatherVector256(x, s0 + Vector256.Create(tap), 4), tap);
                }
                Avx.Store(y + w, best);
                Avx.Store(argmax + w, s0 + off + Vector256.Create(xBase));
            }
        }
        for (; w < windows; w++)
        {
            int first = w / OW * KH * W + w % OW * KW, at = first;
            float best = x[first];
            for (int kh = 0; kh < KH; kh++)
                for (int kw = kh == 0 ? 1 : 0; kw < KW; kw++)
                {
                    float v = x[first + kh * W + kw];
                    if (v > best || (float.IsNaN(v) && !float.IsNaN(best))) { best = v; at = first + kh * W + kw; }
                }
            y[w] = best;
            argmax[w] = xBase + at;
        }
    }

    /// <summary>Where v beats best (greater, or a NaN replacing a number: the first NaN wins), take v and its tap offset.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Take(ref Vector256<float> best, ref Vector256<int> off, Vector256<float> v, int tap)
    {
        Vector256<float> take = Avx.CompareGreaterThan(v, best) | (Avx.CompareUnordered(v, v) & Avx.CompareOrdered(best, best));
        best = Avx.BlendVariable(best, v, take);
        off = Avx.BlendVariable(off.AsSingle(), Vector256.Create(tap).AsSingle(), take).AsInt32();
    }

    /// <summary>
    /// dy [N,C,OH,OW], argmax from the forward → dx [N,C,H,W] += dy routed to each winner; when
    /// <paramref name="fresh"/> dx may hold garbage and is overwritten (zeros where no window won).
    /// Planes in parallel: a window's winner lies in its own plane, so the planes' writes are disjoint.
    /// </summary>
    public static unsafe void MaxPool2dBackward(ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, Span<float> dx,
        int planes, bool fresh)
    {
        Debug.Assert(argmax.Length >= dy.Length && planes >= 1 && dy.Length % planes == 0 && dx.Length % planes == 0);
        int outPlane = dy.Length / planes, inPlane = dx.Length / planes;
        fixed (float* pdy = dy, pdx = dx)
        fixed (int* pa = argmax)
        {
            nint ady = (nint)pdy, adx = (nint)pdx, aa = (nint)pa;
            Chunks.For(planes, inPlane, plane =>
            {
                float* g = (float*)ady + (long)plane * outPlane, d = (float*)adx;
                int* at = (int*)aa + (long)plane * outPlane;
                if (fresh) new Span<float>(d + (long)plane * inPlane, inPlane).Clear();
                for (int i = 0; i < outPlane; i++)
                    if (at[i] >= 0) d[at[i]] += g[i];
            });
        }
    }
}

/// <summary>
/// Naive max-pooling that <see cref="Pool"/> is tested against: every window position is
/// visited, padded ones read as −∞, same tie rule (first maximum in row-major order).
/// </summary>
internal static class PoolReference
{
    public static void MaxPool2dForward(ReadOnlySpan<float> x, int N, int C, int H, int W,
        int KH, int KW, int sH, int sW, int pH, int pW, Span<float> y, Span<int> argmax)
    {
        int OH = Im2Col.OutSize(H, KH, sH, pH), OW = Im2Col.OutSize(W, KW, sW, pW);
        for (int n = 0; n < N; n++)
            for (int c = 0; c < C; c++)
                for (int oh = 0; oh < OH; oh++)
                    for (int ow = 0; ow < OW; ow++)
                    {
                        float best = float.NegativeInfinity;
                        int at = -1;
                        for (int kh = 0; kh < KH; kh++)
                            for (int kw = 0; kw < KW; kw++)
                            {
                                int ih = oh * sH - pH + kh, iw = ow * sW - pW + kw;
                                bool inside = ih >= 0 && ih < H && iw >= 0 && iw < W;
                                if (!inside) continue;   // padding is −∞: never the maximum
                                int i = ((n * C + c) * H + ih) * W + iw;
                                if (at < 0 || x[i] > best || (float.IsNaN(x[i]) && !float.IsNaN(best))) { best = x[i]; at = i; }
                            }
                        int o = ((n * C + c) * OH + oh) * OW + ow;
                        y[o] = best;
                        argmax[o] = at;
                    }
    }

    /// <summary>dx [N,C,H,W] += dy [N,C,OH,OW] routed to each window's winner, found afresh from x.</summary>
    public static void MaxPool2dBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, int N, int C, int H, int W,
        int KH, int KW, int sH, int sW, int pH, int pW, Span<float> dx)
    {
        var y = new float[dy.Length];
        var at = new int[dy.Length];
        MaxPool2dForward(x, N, C, H, W, KH, KW, sH, sW, pH, pW, y, at);
        for (int i = 0; i < dy.Length; i++)
            if (at[i] >= 0) dx[at[i]] += dy[i];
    }
}
