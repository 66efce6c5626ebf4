using System.Numerics.Tensors;

namespace Theta.Optim;

/// <summary>Options for <see cref="Nesterov"/>. Defaults: η = 0.01, μ = 0.9.</summary>
public sealed record NesterovOptions(float LearningRate = 0.01f, float Momentum = 0.9f, float WeightDecay = 0f, float L1Decay = 0f)
    : OptimizerOptions(LearningRate, WeightDecay, L1Decay)
{
    /// <summary>μ in [0, 1): how much of the previous velocity is kept.</summary>
    public float Momentum { get; init => field = Check.Fraction(value, nameof(NesterovOptions), nameof(Momentum)); } = Check.Fraction(Momentum, nameof(NesterovOptions), nameof(Momentum));
}

/// <summary>
/// Nesterov momentum, as PyTorch writes it: b ← μ·b + g (b₀ = 0), θ ← θ − η·(g + μ·b):
/// the step looks ahead along the velocity. State: <c>"{i}.velocity"</c>.
/// </summary>
public sealed class Nesterov : Optimizer
{
    private readonly float[][] _b;
    private readonly float _mu;

    public Nesterov(IEnumerable<Tensor> parameters, NesterovOptions? options = null) : base(parameters, options ??= new NesterovOptions())
    {
        _mu = options.Momentum;
        _b = AddStateForAll("velocity");
    }

    protected override void Update(Piece p)
    {
        var b = p.Of(_b);
        var look = p.Temp;
        TensorPrimitives.MultiplyAdd(b, _mu, p.G, b);                        // b ← μ·b + g
        TensorPrimitives.MultiplyAdd(b, _mu, p.G, look);                     // g + μ·b
        TensorPrimitives.MultiplyAdd(look, -LearningRate, p.Theta, p.Theta); // θ ← θ − η·(g + μ·b)
    }
}
