namespace Theta.Nn;

/// <summary>
/// Max-pooling over NCHW images: each output is the maximum of a K×K window; x [N, C, H, W] →
/// [N, C, OH, OW] with OH = (H + 2·padding − K)/stride + 1. Stride defaults to K. No parameters.
/// </summary>
public sealed class MaxPool2d(int kernel, int? stride = null, int padding = 0) : Module
{
    public int Kernel { get; } = kernel >= 1 ? kernel : throw new ArgumentOutOfRangeException(nameof(kernel), kernel, "MaxPool2d: the kernel must be at least 1");
    public int Stride { get; } = stride ?? kernel;
    public int Padding { get; } = padding;

    public override Tensor Forward(Tensor x) => x.MaxPool2d(Kernel, Stride, Padding);

    internal static Module Rebuild(ILayerFields f) => new MaxPool2d(f.Int("kernel", min: 1), f.Int("stride", min: 1), f.Int("padding", min: 0, below: f.Int("kernel") / 2 + 1));

    protected override void AddDescription(IDictionary<string, object> d)
    {
        d["kernel"] = Kernel;
        d["stride"] = Stride;
        d["padding"] = Padding;
    }
}
