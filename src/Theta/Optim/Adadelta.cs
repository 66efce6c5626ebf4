using System.Numerics.Tensors;

namespace Theta.Optim;

/// <summary>Options for <see cref="Adadelta"/>. Defaults (PyTorch): η = 1, ρ = 0.9, ε = 1e-6.</summary>
public sealed record AdadeltaOptions(float LearningRate = 1f, float Rho = 0.9f, float Epsilon = 1e-6f, float WeightDecay = 0f, float L1Decay = 0f)
    : OptimizerOptions(LearningRate, WeightDecay, L1Decay)
{
    /// <summary>ρ in [0, 1): decay of both moving averages.</summary>
    public float Rho { get; init => field = Check.Fraction(value, nameof(AdadeltaOptions), nameof(Rho)); } = Check.Fraction(Rho, nameof(AdadeltaOptions), nameof(Rho));

    /// <summary>ε &gt; 0, inside both square roots.</summary>
    public float Epsilon { get; init => field = Check.Positive(value, nameof(AdadeltaOptions), nameof(Epsilon)); } = Check.Positive(Epsilon, nameof(AdadeltaOptions), nameof(Epsilon));
}

/// <summary>
/// Adadelta (Zeiler 2012), as PyTorch writes it:
/// s ← ρ·s + (1−ρ)·g²;  Δ = √(u + ε) / √(s + ε) · g;  u ← ρ·u + (1−ρ)·Δ²;  θ ← θ − η·Δ.
/// The step has the units of θ (a ratio of RMS of past steps to RMS of gradients).
/// State: <c>"{i}.square_avg"</c> (s), <c>"{i}.acc_delta"</c> (u).
/// </summary>
public sealed class Adadelta : Optimizer
{
    private readonly float[][] _s, _u;
    private readonly float _rho, _eps;

    public Adadelta(IEnumerable<Tensor> parameters, AdadeltaOptions? options = null) : base(parameters, options ??= new AdadeltaOptions())
    {
        (_rho, _eps) = (options.Rho, options.Epsilon);
        _s = AddStateForAll("square_avg");
        _u = AddStateForAll("acc_delta");
    }

    protected override void Update(Piece p)
    {
        Span<float> s = p.Of(_s), u = p.Of(_u), delta = p.Temp;
        ReadOnlySpan<float> g = p.G;
        Vec.EmaSquare(s, _rho, g, delta);                 // s ← ρ·s + (1−ρ)·g²
        var den = p.Temp2;
        TensorPrimitives.Add(s, _eps, den);
        TensorPrimitives.Sqrt(den, den);                  // √(s + ε)
        TensorPrimitives.Add(u, _eps, delta);
        TensorPrimitives.Sqrt(delta, delta);              // √(u + ε)
        TensorPrimitives.Divide(delta, den, delta);
        TensorPrimitives.Multiply(delta, g, delta);       // Δ
        Vec.EmaSquare(u, _rho, delta, den);               // u ← ρ·u + (1−ρ)·Δ²
        TensorPrimitives.MultiplyAdd(delta, -LearningRate, p.Theta, p.Theta); // θ ← θ − η·Δ
    }
}
