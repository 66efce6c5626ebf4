using System.Numerics.Tensors;

namespace Theta.Optim;

/// <summary>Options for <see cref="AdamW"/>. Defaults (PyTorch): η = 1e-3, β₁ = 0.9, β₂ = 0.999, ε = 1e-8, λ = 0.01 (decoupled).</summary>
public sealed record AdamWOptions(float LearningRate = 1e-3f, float Beta1 = 0.9f, float Beta2 = 0.999f, float Epsilon = 1e-8f, float WeightDecay = 0.01f, float L1Decay = 0f)
    : OptimizerOptions(LearningRate, WeightDecay, L1Decay)
{
    /// <summary>β₁ in [0, 1): decay of the first moment.</summary>
    public float Beta1 { get; init => field = Check.Fraction(value, nameof(AdamWOptions), nameof(Beta1)); } = Check.Fraction(Beta1, nameof(AdamWOptions), nameof(Beta1));

    /// <summary>β₂ in [0, 1): decay of the second moment.</summary>
    public float Beta2 { get; init => field = Check.Fraction(value, nameof(AdamWOptions), nameof(Beta2)); } = Check.Fraction(Beta2, nameof(AdamWOptions), nameof(Beta2));

    /// <summary>ε &gt; 0 keeps the division finite.</summary>
    public float Epsilon { get; init => field = Check.Positive(value, nameof(AdamWOptions), nameof(Epsilon)); } = Check.Positive(Epsilon, nameof(AdamWOptions), nameof(Epsilon));
}

/// <summary>
/// AdamW (Loshchilov and Hutter 2019): Adam with decoupled weight decay. First
/// θ ← θ·(1 − η·λ), then the <see cref="Adam"/> step on g (which does not contain λ·θ), so the
/// decay is not rescaled by 1/√v̂. State: <c>"{i}.m"</c>, <c>"{i}.v"</c>.
/// </summary>
public sealed class AdamW : Optimizer
{
    private readonly float[][] _m, _v;
    private readonly float _beta1, _beta2, _eps, _lambda;

    public AdamW(IEnumerable<Tensor> parameters, AdamWOptions? options = null)
        : base(parameters, options ??= new AdamWOptions(), coupledWeightDecay: false)
    {
        (_beta1, _beta2, _eps, _lambda) = (options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay);
        _m = AddStateForAll("m");
        _v = AddStateForAll("v");
    }

    protected override void Update(Piece p)
    {
        if (_lambda != 0f) TensorPrimitives.Multiply(p.Theta, 1f - LearningRate * _lambda, p.Theta); // θ ← θ·(1 − ηλ)
        Adam.AdamStep(p.Theta, p.G, p.Of(_m), p.Of(_v), LearningRate, _beta1, _beta2, _eps, StepCount, p.Temp);
    }
}
