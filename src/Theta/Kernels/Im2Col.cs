using System.Diagnostics;
using System.Numerics.Tensors;

namespace Theta.Kernels;

/// <summary>
/// im2col and its adjoint col2im: the unrolling that turns a 2-D convolution into a GEMM.
/// For one image x [C, H, W], row r = (c·KH + kh)·KW + kw of col holds, for every output
/// position (oh, ow), the input value x[c, oh·sH − pH + kh, ow·sW − pW + kw], or 0 where that
/// lands in the zero padding. col is [C·KH·KW, OH·OW] laid out with a leading dimension ldCol
/// ≥ OH·OW, so a batch can share one matrix [C·KH·KW, N·OH·OW] with image n at column n·OH·OW.
/// </summary>
internal static class Im2Col
{
    /// <summary>Output size along one axis: (size + 2p − k)/s + 1. Callers validate (≥ 1).</summary>
    public static int OutSize(int size, int k, int s, int p) => (size + 2 * p - k) / s + 1;

    /// <summary>
    /// x [C, H, W] → col [C·KH·KW, OH·OW] (row stride ldCol). Every element of the
    /// C·KH·KW × OH·OW block is written (padding as 0).
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, int C, int H, int W, int KH, int KW,
        int sH, int sW, int pH, int pW, Span<float> col, int ldCol)
    {
        int OH = OutSize(H, KH, sH, pH), OW = OutSize(W, KW, sW, pW);
        Debug.Assert(OH >= 1 && OW >= 1 && ldCol >= OH * OW);
        Debug.Assert(x.Length >= C * H * W);
        Debug.Assert(col.Length >= (C * KH * KW - 1) * ldCol + OH * OW);
        for (int c = 0; c < C; c++)
            for (int kh = 0; kh < KH; kh++)
                for (int kw = 0; kw < KW; kw++)
                {
                    Span<float> row = col.Slice(((c * KH + kh) * KW + kw) * ldCol, OH * OW);
                    ValidRange(OW, W, kw, sW, pW, out int lo, out int hi);
                    for (int oh = 0; oh < OH; oh++)
                    {
                        Span<float> dst = row.Slice(oh * OW, OW);
                        int ih = oh * sH - pH + kh;
                        if ((uint)ih >= (uint)H || lo >= hi) { dst.Clear(); continue; }
                        dst[..lo].Clear();
                        dst[hi..].Clear();
                        // iw = ow·sW − pW + kw for ow in [lo, hi) lies inside [0, W).
                        ReadOnlySpan<float> src = x.Slice((c * H + ih) * W + lo * sW - pW + kw);
                        if (sW == 1)
                            src[..(hi - lo)].CopyTo(dst[lo..hi]);
                        else
                            for (int ow = lo, iw = 0; ow < hi; ow++, iw += sW)
                                dst[ow] = src[iw];
                    }
                }
    }

    /// <summary>
    /// The adjoint of <see cref="Forward"/>: dx [C, H, W] += col2im(dcol), where dcol is
    /// [C·KH·KW, OH·OW] with row stride ldCol. Entries that fell in the padding are dropped.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> dcol, int ldCol, int C, int H, int W, int KH, int KW,
        int sH, int sW, int pH, int pW, Span<float> dx)
    {
        int OH = OutSize(H, KH, sH, pH), OW = OutSize(W, KW, sW, pW);
        Debug.Assert(OH >= 1 && OW >= 1 && ldCol >= OH * OW);
        Debug.Assert(dx.Length >= C * H * W);
        Debug.Assert(dcol.Length >= (C * KH * KW - 1) * ldCol + OH * OW);
        for (int c = 0; c < C; c++)
            for (int kh = 0; kh < KH; kh++)
                for (int kw = 0; kw < KW; kw++)
                {
                    ReadOnlySpan<float> row = dcol.Slice(((c * KH + kh) * KW + kw) * ldCol, OH * OW);
                    ValidRange(OW, W, kw, sW, pW, out int lo, out int hi);
                    if (lo >= hi) continue;
                    for (int oh = 0; oh < OH; oh++)
                    {
                        int ih = oh * sH - pH + kh;
                        if ((uint)ih >= (uint)H) continue;
                        ReadOnlySpan<float> src = row.Slice(oh * OW + lo, hi - lo);
                        Span<float> dst = dx.Slice((c * H + ih) * W + lo * sW - pW + kw);
                        if (sW == 1)
                        {
                            Span<float> d = dst[..(hi - lo)];
                            TensorPrimitives.Add(d, src, d);
                        }
                        else
                            for (int i = 0, iw = 0; i < src.Length; i++, iw += sW)
                                dst[iw] += src[i];
                    }
                }
    }

    /// <summary>
    /// The output columns [lo, hi) whose input column iw = ow·sW − pW + kw lies in [0, W),
    /// so the inner loops run without a bounds branch. lo ≥ hi when none does.
    /// </summary>
    private static void ValidRange(int OW, int W, int kw, int sW, int pW, out int lo, out int hi)
    {
        int off = kw - pW;                                   // iw = ow·sW + off
        lo = off >= 0 ? 0 : (-off + sW - 1) / sW;            // smallest ow with iw ≥ 0
        hi = W - 1 - off < 0 ? 0 : Math.Min(OW, (W - 1 - off) / sW + 1); // first ow with iw ≥ W
        if (lo > OW) lo = OW;
    }
}
