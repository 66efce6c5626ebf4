using Theta.Kernels;

namespace Theta;

// 2-D convolution (cross-correlation, as in PyTorch) and max-pooling over NCHW images.
// x [N,C,H,W], w [O,C,KH,KW], b [O]; OH = (H + 2pH − KH)/sH + 1, likewise OW. g = dL/dy.
//
//   op          forward                                  dL/dx                   dL/dw, dL/db           saves
//   conv2d      y[n,o] = Σ_c w[o,c] ⋆ x[n,c] + b[o]      col2im(wᵀ · g)          g · colᵀ, Σ g          x (col recomputed)
//   max_pool2d  y = max over each KH×KW window           g routed to each argmax -                      argmax
//
// Convolution is weight sharing: every output position uses the same w, so dL/dw sums over
// positions and images: a sum of GEMMs over each image's column buffer col_n [C·KH·KW, OH·OW].
public sealed partial class Tensor
{
    /// <summary>2-D convolution with square stride and padding. x [N,C,H,W], weight [O,C,KH,KW], bias [O] (optional).</summary>
    public Tensor Conv2d(Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0)
        => Conv2d(weight, bias, (stride, stride), (padding, padding));

    /// <summary>2-D convolution. x [N,C,H,W], weight [O,C,KH,KW], bias [O] (optional); zero padding.</summary>
    [Op("conv2d")]
    public Tensor Conv2d(Tensor weight, Tensor? bias, (int H, int W) stride, (int H, int W) padding)
    {
        var x = this; var w = weight;
        if (x.Rank != 4) throw ShapeException.Mismatch("Conv2d", x.Shape, w.Shape, null, "the input must be 4-d [N, C, H, W]", "⋆");
        if (w.Rank != 4) throw ShapeException.Mismatch("Conv2d", x.Shape, w.Shape, null, "the weight must be 4-d [O, C, KH, KW]", "⋆");
        int N = x.Shape[0], C = x.Shape[1], H = x.Shape[2], W = x.Shape[3];
        int O = w.Shape[0], KH = w.Shape[2], KW = w.Shape[3];
        if (w.Shape[1] != C)
            throw ShapeException.Mismatch("Conv2d", x.Shape, w.Shape, 1, $"input channels {C} != weight's in-channels {w.Shape[1]} (dimension 1 of both)", "⋆");
        if (stride.H < 1 || stride.W < 1) throw new ArgumentException($"Conv2d: stride {stride} must be at least 1");
        if (padding.H < 0 || padding.W < 0) throw new ArgumentException($"Conv2d: padding {padding} must not be negative");
        if (H + 2 * padding.H < KH || W + 2 * padding.W < KW)
            throw ShapeException.Mismatch("Conv2d", x.Shape, w.Shape, H + 2 * padding.H < KH ? 2 : 3,
                $"the {KH}×{KW} kernel is larger than the padded {H + 2 * padding.H}×{W + 2 * padding.W} input", "⋆");
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != O))
            throw ShapeException.Mismatch("Conv2d", w.Shape, bias.Shape, 0, $"the bias must be [{O}], one per output channel", "bias");

        var (sH, sW) = stride; var (pH, pW) = padding;
        int OH = Im2Col.OutSize(H, KH, sH, pH), OW = Im2Col.OutSize(W, KW, sW, pW);
        var y = Uninitialized(new Shape(N, O, OH, OW));
        var b = bias is null ? ReadOnlySpan<float>.Empty : bias.Data;
        Kernels.Conv.Conv2dForward(x.Data, N, C, H, W, w.Data, O, KH, KW, b, sH, sW, pH, pW, y.Data);

        var inputs = bias is null ? new[] { x, w } : new[] { x, w, bias };
        return Record(y, "conv2d", g =>
        {
            // One sweep over the images computes every gradient wanted (backward recomputes each col_n).
            float dxBeta = 1f;
            var dx = x.RequiresGrad ? x.GradSpanForGemm(out dxBeta) : Span<float>.Empty;
            var dw = w.RequiresGrad ? w.GradSpan() : Span<float>.Empty;
            var db = bias is not null && bias.RequiresGrad ? bias.GradSpan() : Span<float>.Empty;
            Kernels.Conv.Conv2dBackward(x.Data, g.Data, w.Data, N, C, H, W, O, KH, KW, sH, sW, pH, pW,
                dx, dxFresh: dxBeta == 0f, dw, db);
        }, inputs);
    }

    /// <summary>
    /// 2-D max-pooling over x [N,C,H,W] with a square window (stride defaults to the kernel size;
    /// padding counts as −∞ and may be at most half the kernel). The gradient goes to each window's first maximum.
    /// </summary>
    public Tensor MaxPool2d(int kernel, int? stride = null, int padding = 0)
        => MaxPool2d((kernel, kernel), (stride ?? kernel, stride ?? kernel), (padding, padding));

    /// <summary>2-D max-pooling with a KH×KW window, stride and padding per axis.</summary>
    [Op("max_pool2d")]
    public Tensor MaxPool2d((int H, int W) kernel, (int H, int W) stride, (int H, int W) padding)
    {
        if (Rank != 4) throw ShapeException.Invalid("MaxPool2d", Shape, $"the input {Shape} must be 4-d [N, C, H, W]");
        int N = Shape[0], C = Shape[1], H = Shape[2], W = Shape[3];
        var (KH, KW) = kernel; var (sH, sW) = stride; var (pH, pW) = padding;
        if (KH < 1 || KW < 1 || sH < 1 || sW < 1)
            throw new ArgumentException($"MaxPool2d: kernel {kernel} and stride {stride} must be at least 1");
        if (pH < 0 || pW < 0 || 2 * pH > KH || 2 * pW > KW)
            throw new ArgumentException($"MaxPool2d: padding {padding} must be between 0 and half the kernel {kernel}");
        if (H + 2 * pH < KH || W + 2 * pW < KW)
            throw ShapeException.Invalid("MaxPool2d", Shape, $"the input {Shape} is smaller than the {KH}×{KW} window at dimension {(H + 2 * pH < KH ? 2 : 3)}", dimension: H + 2 * pH < KH ? 2 : 3);
        int OH = Im2Col.OutSize(H, KH, sH, pH), OW = Im2Col.OutSize(W, KW, sW, pW);
        var y = Uninitialized(new Shape(N, C, OH, OW));
        var argmax = TensorArena.Ints(y.Size);
        Pool.MaxPool2dForward(Data, N, C, H, W, KH, KW, sH, sW, pH, pW, y.Data, argmax);
        return Record(y, "max_pool2d", g =>
        {
            var dx = GradSpanForGemm(out float beta);   // beta 0: fresh memory, overwritten whole
            Pool.MaxPool2dBackward(g.Data, argmax, dx, N * C, fresh: beta == 0f);
        }, this);
    }
}
