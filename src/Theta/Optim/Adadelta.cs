using System.Numerics.Tensors;

namespace Theta.Optim;

/// <summary>Options for <see cref="Adadelta"/>. Defaults (PyTorch): η = 1, ρ = 0.9, ε = 1e-6 (ε inside both square roots).</summary>
public sealed record AdadeltaOptions(float LearningRate = 1f, float Rho = 0.9f, float Epsilon = 1e-6f, float WeightDecay = 0f, float L1Decay = 0f)
    : SquareAverageOptions(LearningRate, Rho, Epsilon, WeightDecay, L1Decay)
{
    /// <summary>ρ in [0, 1): the decay of both moving averages (PyTorch's name for it).</summary>
    public float Rho { get => Decay; init => Decay = value; }
    private protected override string DecayName => nameof(Rho);
}

/// <summary>
/// Adadelta (Zeiler 2012), as PyTorch writes it:
/// s ← ρ·s + (1−ρ)·g²;  Δ = √(u + ε) / √(s + ε) · g;  u ← ρ·u + (1−ρ)·Δ²;  θ ← θ − η·Δ.
/// The step has the units of θ (a ratio of RMS of past steps to RMS of gradients).
/// State: <c>"{i}.square_avg"</c> (s), <c>"{i}.acc_delta"</c> (u).
/// </summary>
public sealed class Adadelta(IEnumerable<Tensor> parameters, AdadeltaOptions? options = null)
    : Optimizer<AdadeltaOptions>(parameters, options ?? new AdadeltaOptions(), ["square_avg", "acc_delta"])
{
    protected override void Update(Piece p)
    {
        Span<float> s = p.State(0), u = p.State(1), delta = p.Temp, den = p.Temp2;
        ReadOnlySpan<float> g = p.G;
        float rho = Options.Rho, eps = Options.Epsilon;
        Vec.EmaSquare(s, rho, g, delta);                  // s ← ρ·s + (1−ρ)·g²
        TensorPrimitives.Add(s, eps, den);
        TensorPrimitives.Sqrt(den, den);                  // √(s + ε)
        TensorPrimitives.Add(u, eps, delta);
        TensorPrimitives.Sqrt(delta, delta);              // √(u + ε)
        TensorPrimitives.Divide(delta, den, delta);
        TensorPrimitives.Multiply(delta, g, delta);       // Δ
        Vec.EmaSquare(u, rho, delta, den);                // u ← ρ·u + (1−ρ)·Δ²
        TensorPrimitives.MultiplyAdd(delta, -LearningRate, p.Theta, p.Theta); // θ ← θ − η·Δ
    }
}
