namespace Theta.Nn;

/// <summary>
/// Fully connected layer y = x·Wᵀ + b over the last axis: x [.., in] → y [.., out], with
/// W [out, in] (PyTorch's layout: row j holds the weights into output unit j) and b [out].
/// Parameters: out·in (+ out with bias). Default initialisation as PyTorch: W, b ~ U(−1/√in, 1/√in).
/// </summary>
public sealed class Linear : Module
{
    /// <param name="rng">Draws the initial weights (and bias).</param>
    /// <param name="init">Fills the weight instead of the default; the bias keeps the default.</param>
    public Linear(int inFeatures, int outFeatures, Rng rng, bool bias = true, Initializer? init = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inFeatures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outFeatures, 1);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        (Weight, Bias) = RegisterWeightAndBias(Tensor.Zeros(outFeatures, inFeatures), inFeatures, outFeatures, bias, rng, init);
    }

    public int InFeatures { get; }
    public int OutFeatures { get; }
    /// <summary>W [out, in].</summary>
    public Tensor Weight { get; }
    /// <summary>b [out], or null without bias.</summary>
    public Tensor? Bias { get; }

    public override Tensor Forward(Tensor x) => x.Linear(Weight, Bias);

    internal static Module Rebuild(ILayerFields f) => f.Weighted([f.Int("in"), f.Int("out")], f.Bool("bias"), (s, b) => new Linear(s[0], s[1], new Rng(0), b));

    protected override void AddDescription(IDictionary<string, object> d)
    {
        d["in"] = InFeatures;
        d["out"] = OutFeatures;
        d["bias"] = Bias is not null;
    }
}
