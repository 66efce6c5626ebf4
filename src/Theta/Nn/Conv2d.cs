namespace Theta.Nn;

/// <summary>
/// 2-D convolution (cross-correlation) over NCHW images: x [N, C, H, W] → y [N, O, OH, OW] with
/// OH = (H + 2·padding − K)/stride + 1 (likewise OW); weight [O, C, K, K], bias [O].
/// Parameters: O·C·K² (+ O with bias). Default initialisation as PyTorch: U(−1/√(C·K²), 1/√(C·K²)).
/// </summary>
public sealed class Conv2d : Module
{
    /// <param name="rng">Draws the initial weights (and bias).</param>
    /// <param name="init">Fills the weight instead of the default; the bias keeps the default.</param>
    public Conv2d(int inChannels, int outChannels, int kernel, Rng rng, int stride = 1, int padding = 0, bool bias = true, Initializer? init = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernel, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        (InChannels, OutChannels, Kernel, Stride, Padding) = (inChannels, outChannels, kernel, stride, padding);
        (Weight, Bias) = RegisterWeightAndBias(Tensor.Zeros(outChannels, inChannels, kernel, kernel), inChannels * kernel * kernel, outChannels, bias, rng, init);
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    /// <summary>The side K of the square K×K kernel.</summary>
    public int Kernel { get; }
    public int Stride { get; }
    /// <summary>Zero padding added on every side.</summary>
    public int Padding { get; }
    /// <summary>W [O, C, K, K].</summary>
    public Tensor Weight { get; }
    /// <summary>b [O], or null without bias.</summary>
    public Tensor? Bias { get; }

    public override Tensor Forward(Tensor x) => x.Conv2d(Weight, Bias, Stride, Padding);

    internal static Module Rebuild(ILayerFields f) => f.Weighted([f.Int("in"), f.Int("out"), f.Int("kernel"), f.Int("kernel")], f.Bool("bias"),
        (s, b) => new Conv2d(s[0], s[1], s[2], new Rng(0), f.Int("stride", min: 1), f.Int("padding", min: 0, below: s[2]), b));

    protected override void AddDescription(IDictionary<string, object> d)
    {
        d["in"] = InChannels;
        d["out"] = OutChannels;
        d["kernel"] = Kernel;
        d["stride"] = Stride;
        d["padding"] = Padding;
        d["bias"] = Bias is not null;
    }
}
