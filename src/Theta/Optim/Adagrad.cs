using System.Numerics.Tensors;

namespace Theta.Optim;

/// <summary>Options for <see cref="Adagrad"/>. Defaults (PyTorch): η = 0.01, ε = 1e-10.</summary>
public sealed record AdagradOptions : OptimizerOptions
{
    public AdagradOptions(float LearningRate = 0.01f, float Epsilon = 1e-10f, float WeightDecay = 0f, float L1Decay = 0f)
        : base(LearningRate, WeightDecay, L1Decay) => this.Epsilon = Epsilon;

    /// <summary>ε &gt; 0 keeps the division finite.</summary>
    public float Epsilon { get; init => field = Check.Positive(value, nameof(AdagradOptions), nameof(Epsilon)); }
}

/// <summary>
/// Adagrad (Duchi et al. 2011): s ← s + g², θ ← θ − η·g / (√s + ε). Each coordinate's step
/// shrinks with the sum of its squared gradients. State: <c>"{i}.sum_sq"</c>.
/// </summary>
public sealed class Adagrad(IEnumerable<Tensor> parameters, AdagradOptions? options = null)
    : Optimizer<AdagradOptions>(parameters, options ?? new AdagradOptions(), ["sum_sq"])
{
    protected override void Update(Piece p)
    {
        var s = p.State(0);
        TensorPrimitives.MultiplyAdd(p.G, p.G, s, s); // s ← s + g²
        Vec.ScaledStep(p.Theta, LearningRate, p.G, s, Options.Epsilon, p.Temp);
    }
}
