using System.Diagnostics;

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

    private static void Plane(ReadOnlySpan<float> x, int plane, int H, int W, int KH, int KW, int sH, int sW, int pH, int pW,
        int OH, int OW, Span<float> y, Span<int> argmax)
    {
        int xBase = plane * H * W, yBase = plane * OH * OW;
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

    /// <summary>dy [N,C,OH,OW], argmax from the forward → dx [N,C,H,W] += dy routed to each winner.</summary>
    public static void MaxPool2dBackward(ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, Span<float> dx)
    {
        Debug.Assert(argmax.Length >= dy.Length);
        for (int i = 0; i < dy.Length; i++)
        {
            int at = argmax[i];
            if (at >= 0) dx[at] += dy[i];
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
