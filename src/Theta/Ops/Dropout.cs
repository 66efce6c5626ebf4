namespace Theta;

// Inverted dropout. y = x ⊙ m, with m_i = 1/(1−p) kept (probability 1−p) or 0 dropped.
// dL/dx = g ⊙ m. Saves the mask m. In evaluation (training = false) or with p = 0 it is the identity.
public sealed partial class Tensor
{
    /// <summary>
    /// Zeros each element with probability <paramref name="p"/> (mask drawn from <paramref name="rng"/>)
    /// and scales the kept ones by 1/(1−p), so the expected value is unchanged. Identity when not training.
    /// </summary>
    [Op("dropout")]
    public Tensor Dropout(float p, Rng rng, bool training = true)
    {
        if (!(p >= 0f && p < 1f)) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout: p must be in [0, 1)");
        if (!training || p == 0f) return this;
        var mask = new float[Size];
        float keep = 1f / (1f - p);
        for (int i = 0; i < mask.Length; i++) mask[i] = rng.NextFloat() >= p ? keep : 0f;
        var y = new Tensor(Shape);
        System.Numerics.Tensors.TensorPrimitives.Multiply(Data, mask, y.Data);
        return Record(y, "dropout", g =>
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(g.Data, mask, GradSpan(), GradSpan()), this);
    }
}
