using System.Numerics.Tensors;

namespace Theta.Optim;

/// <summary>Options for <see cref="Adam"/> (and <see cref="AdamW"/>'s). Defaults (Kingma and Ba 2015): η = 1e-3, β₁ = 0.9, β₂ = 0.999, ε = 1e-8.</summary>
public record AdamOptions : OptimizerOptions
{
    public AdamOptions(float LearningRate = 1e-3f, float Beta1 = 0.9f, float Beta2 = 0.999f, float Epsilon = 1e-8f, float WeightDecay = 0f, float L1Decay = 0f)
        : base(LearningRate, WeightDecay, L1Decay) => (this.Beta1, this.Beta2, this.Epsilon) = (Beta1, Beta2, Epsilon);

    /// <summary>β₁ in [0, 1): decay of the first moment (the mean of g).</summary>
    public float Beta1 { get; init => field = Check.Fraction(value, GetType().Name, nameof(Beta1)); }

    /// <summary>β₂ in [0, 1): decay of the second moment (the mean of g²).</summary>
    public float Beta2 { get; init => field = Check.Fraction(value, GetType().Name, nameof(Beta2)); }

    /// <summary>ε &gt; 0 keeps the division finite.</summary>
    public float Epsilon { get; init => field = Check.Positive(value, GetType().Name, nameof(Epsilon)); }
}

/// <summary>Options for <see cref="AdamW"/>: Adam's, with PyTorch's default decoupled decay λ = 0.01.</summary>
public sealed record AdamWOptions(float LearningRate = 1e-3f, float Beta1 = 0.9f, float Beta2 = 0.999f, float Epsilon = 1e-8f, float WeightDecay = 0.01f, float L1Decay = 0f)
    : AdamOptions(LearningRate, Beta1, Beta2, Epsilon, WeightDecay, L1Decay);

/// <summary>
/// Adam (Kingma and Ba 2015), with bias correction, at step t = 1, 2, …:
/// m ← β₁·m + (1−β₁)·g;  v ← β₂·v + (1−β₂)·g²;  m̂ = m / (1−β₁ᵗ);  v̂ = v / (1−β₂ᵗ);
/// θ ← θ − η·m̂ / (√v̂ + ε).
/// m and v start at 0, so without the correction the first steps would be biased towards 0.
/// <see cref="OptimizerOptions.WeightDecay"/> is L2 added to g (coupled); for decoupled decay use <see cref="AdamW"/>.
/// State: <c>"{i}.m"</c>, <c>"{i}.v"</c>; t is <see cref="Optimizer.StepCount"/>.
/// </summary>
public sealed class Adam(IEnumerable<Tensor> parameters, AdamOptions? options = null)
    : Optimizer<AdamOptions>(parameters, options ?? new AdamOptions(), ["m", "v"])
{
    protected override void Update(Piece p)
        => AdamStep(p.Theta, p.G, p.State(0), p.State(1), LearningRate, Options.Beta1, Options.Beta2, Options.Epsilon, StepCount, p.Temp);

    /// <summary>The Adam update above, shared with <see cref="AdamW"/>.</summary>
    internal static void AdamStep(Span<float> theta, ReadOnlySpan<float> g, Span<float> m, Span<float> v,
        float lr, float beta1, float beta2, float eps, long t, Span<float> temp)
    {
        Vec.Ema(m, beta1, g, temp);       // m ← β₁·m + (1−β₁)·g
        Vec.EmaSquare(v, beta2, g, temp); // v ← β₂·v + (1−β₂)·g²
        double bc1 = 1 - Math.Pow(beta1, t), bc2 = 1 - Math.Pow(beta2, t);
        // As PyTorch: η·m̂/(√v̂ + ε) = (η/bc1)·m / (√v/√bc2 + ε).
        TensorPrimitives.Sqrt(v, temp);
        TensorPrimitives.Multiply(temp, (float)(1 / Math.Sqrt(bc2)), temp);
        TensorPrimitives.Add(temp, eps, temp);
        TensorPrimitives.Divide(m, temp, temp);
        TensorPrimitives.MultiplyAdd(temp, (float)(-lr / bc1), theta, theta);
    }
}
