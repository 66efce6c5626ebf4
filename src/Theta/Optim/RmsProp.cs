namespace Theta.Optim;

/// <summary>Options for <see cref="RmsProp"/>. Defaults (PyTorch): η = 0.01, α = 0.99, ε = 1e-8.</summary>
public sealed record RmsPropOptions(float LearningRate = 0.01f, float Alpha = 0.99f, float Epsilon = 1e-8f, float WeightDecay = 0f, float L1Decay = 0f)
    : OptimizerOptions(LearningRate, WeightDecay, L1Decay)
{
    /// <summary>α in [0, 1): decay of the moving average of g².</summary>
    public float Alpha { get; init => field = Check.Fraction(value, nameof(RmsPropOptions), nameof(Alpha)); } = Check.Fraction(Alpha, nameof(RmsPropOptions), nameof(Alpha));

    /// <summary>ε &gt; 0 keeps the division finite.</summary>
    public float Epsilon { get; init => field = Check.Positive(value, nameof(RmsPropOptions), nameof(Epsilon)); } = Check.Positive(Epsilon, nameof(RmsPropOptions), nameof(Epsilon));
}

/// <summary>
/// RMSProp (Hinton's lecture 6e), as PyTorch writes it: s ← α·s + (1−α)·g², θ ← θ − η·g / (√s + ε).
/// Like Adagrad, but the sum of squares forgets. State: <c>"{i}.square_avg"</c>.
/// </summary>
public sealed class RmsProp : Optimizer
{
    private readonly float[][] _s;
    private readonly float _alpha, _eps;

    public RmsProp(IEnumerable<Tensor> parameters, RmsPropOptions? options = null) : base(parameters, options ??= new RmsPropOptions())
    {
        (_alpha, _eps) = (options.Alpha, options.Epsilon);
        _s = AddStateForAll("square_avg");
    }

    protected override void Update(Piece p)
    {
        var s = p.Of(_s);
        Vec.EmaSquare(s, _alpha, p.G, p.Temp); // s ← α·s + (1−α)·g²
        Vec.ScaledStep(p.Theta, LearningRate, p.G, s, _eps, p.Temp);
    }
}
