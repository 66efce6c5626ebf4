using System.Numerics.Tensors;

namespace Theta.Optim;

/// <summary>Options for <see cref="Momentum"/> (and <see cref="Nesterov"/>'s). Defaults: η = 0.01, μ = 0.9.</summary>
public record MomentumOptions : OptimizerOptions
{
    public MomentumOptions(float LearningRate = 0.01f, float Momentum = 0.9f, float WeightDecay = 0f, float L1Decay = 0f)
        : base(LearningRate, WeightDecay, L1Decay) => this.Momentum = Momentum;

    /// <summary>μ in [0, 1): how much of the previous velocity is kept.</summary>
    public float Momentum { get; init => field = Check.Fraction(value, GetType().Name, nameof(Momentum)); }
}

/// <summary>Options for <see cref="Nesterov"/>: the same as <see cref="Momentum"/>'s.</summary>
public sealed record NesterovOptions(float LearningRate = 0.01f, float Momentum = 0.9f, float WeightDecay = 0f, float L1Decay = 0f)
    : MomentumOptions(LearningRate, Momentum, WeightDecay, L1Decay);

/// <summary>
/// SGD with (heavy-ball) momentum, as PyTorch writes it: b ← μ·b + g (b₀ = 0), θ ← θ − η·b.
/// The velocity b sums past gradients with weights μᵏ. State: <c>"{i}.velocity"</c>.
/// </summary>
public sealed class Momentum(IEnumerable<Tensor> parameters, MomentumOptions? options = null)
    : Optimizer<MomentumOptions>(parameters, options ?? new MomentumOptions(), ["velocity"])
{
    protected override void Update(Piece p)
    {
        var b = p.State(0);
        TensorPrimitives.MultiplyAdd(b, Options.Momentum, p.G, b);           // b ← μ·b + g
        TensorPrimitives.MultiplyAdd(b, -LearningRate, p.Theta, p.Theta); // θ ← θ − η·b
    }
}
