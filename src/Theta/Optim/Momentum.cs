using System.Numerics.Tensors;

namespace Theta.Optim;

/// <summary>Options for <see cref="Momentum"/>. Defaults: η = 0.01, μ = 0.9.</summary>
public sealed record MomentumOptions(float LearningRate = 0.01f, float Momentum = 0.9f, float WeightDecay = 0f, float L1Decay = 0f)
    : OptimizerOptions(LearningRate, WeightDecay, L1Decay)
{
    /// <summary>μ in [0, 1): how much of the previous velocity is kept.</summary>
    public float Momentum { get; init => field = Check.Fraction(value, nameof(MomentumOptions), nameof(Momentum)); } = Check.Fraction(Momentum, nameof(MomentumOptions), nameof(Momentum));
}

/// <summary>
/// SGD with (heavy-ball) momentum, as PyTorch writes it: b ← μ·b + g (b₀ = 0), θ ← θ − η·b.
/// The velocity b sums past gradients with weights μᵏ. State: <c>"{i}.velocity"</c>.
/// </summary>
public sealed class Momentum : Optimizer
{
    private readonly float[][] _b;
    private readonly float _mu;

    public Momentum(IEnumerable<Tensor> parameters, MomentumOptions? options = null) : base(parameters, options ??= new MomentumOptions())
    {
        _mu = options.Momentum;
        _b = AddStateForAll("velocity");
    }

    protected override void Update(Piece p)
    {
        var b = p.Of(_b);
        TensorPrimitives.MultiplyAdd(b, _mu, p.G, b);                    // b ← μ·b + g
        TensorPrimitives.MultiplyAdd(b, -LearningRate, p.Theta, p.Theta); // θ ← θ − η·b
    }
}
