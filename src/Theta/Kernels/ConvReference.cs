namespace Theta.Kernels;

/// <summary>
/// Naive direct 2-D convolution (cross-correlation, as in PyTorch) that the fast
/// <see cref="Conv"/> is tested against. Same argument order and shapes; accumulates in double.
///   y[n,o,oh,ow] = b[o] + Σ_{c,kh,kw} w[o,c,kh,kw] · x[n,c,oh·sH−pH+kh, ow·sW−pW+kw]
/// with x = 0 outside [0,H)×[0,W).
/// </summary>
internal static class ConvReference
{
    /// <summary>x [N,C,H,W], w [O,C,KH,KW], bias [O] or empty → y [N,O,OH,OW] (overwritten).</summary>
    public static void Conv2dForward(ReadOnlySpan<float> x, int N, int C, int H, int W,
        ReadOnlySpan<float> w, int O, int KH, int KW, ReadOnlySpan<float> bias,
        int sH, int sW, int pH, int pW, Span<float> y)
    {
        int OH = Im2Col.OutSize(H, KH, sH, pH), OW = Im2Col.OutSize(W, KW, sW, pW);
        for (int n = 0; n < N; n++)
            for (int o = 0; o < O; o++)
                for (int oh = 0; oh < OH; oh++)
                    for (int ow = 0; ow < OW; ow++)
                    {
                        double s = bias.IsEmpty ? 0 : bias[o];
                        for (int c = 0; c < C; c++)
                            for (int kh = 0; kh < KH; kh++)
                                for (int kw = 0; kw < KW; kw++)
                                    if (TryInput(oh, ow, kh, kw, H, W, sH, sW, pH, pW, out int ih, out int iw))
                                        s += (double)w[((o * C + c) * KH + kh) * KW + kw] * x[((n * C + c) * H + ih) * W + iw];
                        y[((n * O + o) * OH + oh) * OW + ow] = (float)s;
                    }
    }

    /// <summary>dy [N,O,OH,OW], w [O,C,KH,KW] → dx [N,C,H,W] += ∂L/∂x.</summary>
    public static void Conv2dBackwardData(ReadOnlySpan<float> dy, ReadOnlySpan<float> w,
        int N, int C, int H, int W, int O, int KH, int KW,
        int sH, int sW, int pH, int pW, Span<float> dx)
    {
        int OH = Im2Col.OutSize(H, KH, sH, pH), OW = Im2Col.OutSize(W, KW, sW, pW);
        var acc = new double[N * C * H * W];
        for (int n = 0; n < N; n++)
            for (int o = 0; o < O; o++)
                for (int oh = 0; oh < OH; oh++)
                    for (int ow = 0; ow < OW; ow++)
                    {
                        double g = dy[((n * O + o) * OH + oh) * OW + ow];
                        for (int c = 0; c < C; c++)
                            for (int kh = 0; kh < KH; kh++)
                                for (int kw = 0; kw < KW; kw++)
                                    if (TryInput(oh, ow, kh, kw, H, W, sH, sW, pH, pW, out int ih, out int iw))
                                        acc[((n * C + c) * H + ih) * W + iw] += g * w[((o * C + c) * KH + kh) * KW + kw];
                    }
        for (int i = 0; i < acc.Length; i++) dx[i] += (float)acc[i];
    }

    /// <summary>x [N,C,H,W], dy [N,O,OH,OW] → dw [O,C,KH,KW] += ∂L/∂w, db [O] += Σ dy (db may be empty).</summary>
    public static void Conv2dBackwardWeights(ReadOnlySpan<float> x, ReadOnlySpan<float> dy,
        int N, int C, int H, int W, int O, int KH, int KW,
        int sH, int sW, int pH, int pW, Span<float> dw, Span<float> db)
    {
        int OH = Im2Col.OutSize(H, KH, sH, pH), OW = Im2Col.OutSize(W, KW, sW, pW);
        for (int o = 0; o < O; o++)
        {
            for (int c = 0; c < C; c++)
                for (int kh = 0; kh < KH; kh++)
                    for (int kw = 0; kw < KW; kw++)
                    {
                        double s = 0;
                        for (int n = 0; n < N; n++)
                            for (int oh = 0; oh < OH; oh++)
                                for (int ow = 0; ow < OW; ow++)
                                    if (TryInput(oh, ow, kh, kw, H, W, sH, sW, pH, pW, out int ih, out int iw))
                                        s += (double)dy[((n * O + o) * OH + oh) * OW + ow] * x[((n * C + c) * H + ih) * W + iw];
                        dw[((o * C + c) * KH + kh) * KW + kw] += (float)s;
                    }
            if (db.IsEmpty) continue;
            double b = 0;
            for (int n = 0; n < N; n++)
                for (int i = 0; i < OH * OW; i++) b += dy[(n * O + o) * OH * OW + i];
            db[o] += (float)b;
        }
    }

    /// <summary>The input pixel under kernel tap (kh, kw) at output (oh, ow); false in the padding.</summary>
    private static bool TryInput(int oh, int ow, int kh, int kw, int H, int W,
        int sH, int sW, int pH, int pW, out int ih, out int iw)
    {
        ih = oh * sH - pH + kh;
        iw = ow * sW - pW + kw;
        return ih >= 0 && ih < H && iw >= 0 && iw < W;
    }
}
