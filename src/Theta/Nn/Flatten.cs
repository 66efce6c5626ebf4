namespace Theta.Nn;

/// <summary>Merges axes <see cref="StartDim"/>..<see cref="EndDim"/> into one: by default [N, C, H, W] → [N, C·H·W]. No parameters.</summary>
public sealed class Flatten(int startDim = 1, int endDim = -1) : Module
{
    public int StartDim { get; } = startDim;
    public int EndDim { get; } = endDim;

    public override Tensor Forward(Tensor x) => x.Flatten(StartDim, EndDim);

    internal static Module Rebuild(ILayerFields f) => new Flatten(f.Int("startDim"), f.Int("endDim"));

    protected override void AddDescription(IDictionary<string, object> d)
    {
        d["startDim"] = StartDim;
        d["endDim"] = EndDim;
    }
}
