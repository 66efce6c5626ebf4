namespace Theta.Nn;

/// <summary>
/// Inverted dropout: in training, y = x ⊙ m with m_i = 1/(1−p) (kept, probability 1−p) or 0;
/// in evaluation, y = x. E[y] = x either way. The masks come from the layer's own seeded
/// <see cref="Rng"/>, so a run is reproducible.
/// </summary>
/// <param name="p">Probability of dropping each element, in [0, 1).</param>
/// <param name="rng">Draws the masks; give each dropout layer its own.</param>
public sealed class Dropout(float p, Rng rng) : Module
{
    /// <summary>The drop probability.</summary>
    public float P { get; } = p >= 0f && p < 1f ? p : throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout: p must be in [0, 1)");

    /// <summary>The generator that draws the masks (a checkpoint saves and restores its state).</summary>
    public Rng Rng { get; } = rng;

    public override Tensor Forward(Tensor x) => x.Dropout(P, Rng, Training);

    internal static Module Rebuild(ILayerFields f) => new Dropout(f.Float("p"), new Rng(0));

    protected override void AddDescription(IDictionary<string, object> d) => d["p"] = P;
}
