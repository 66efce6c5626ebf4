namespace Theta.Optim;

/// <summary>
/// What RMSProp and Adadelta share: a moving average of squares s ← d·s + (1−d)·g² with decay d in [0, 1)
/// (PyTorch calls it α in RMSProp, ρ in Adadelta), and an ε &gt; 0 that keeps its square root's division finite.
/// </summary>
public abstract record SquareAverageOptions : OptimizerOptions
{
    private protected SquareAverageOptions(float learningRate, float decay, float epsilon, float weightDecay, float l1Decay)
        : base(learningRate, weightDecay, l1Decay) => (Decay, Epsilon) = (decay, epsilon);

    /// <summary>The decay d of the moving average of g².</summary>
    public float Decay { get; init => field = Check.Fraction(value, GetType().Name, DecayName); }

    /// <summary>ε &gt; 0.</summary>
    public float Epsilon { get; init => field = Check.Positive(value, GetType().Name, nameof(Epsilon)); }

    // The decay's name in the derived options (for messages).
    private protected abstract string DecayName { get; }
}

/// <summary>Options for <see cref="RmsProp"/>. Defaults (PyTorch): η = 0.01, α = 0.99, ε = 1e-8.</summary>
public sealed record RmsPropOptions(float LearningRate = 0.01f, float Alpha = 0.99f, float Epsilon = 1e-8f, float WeightDecay = 0f, float L1Decay = 0f)
    : SquareAverageOptions(LearningRate, Alpha, Epsilon, WeightDecay, L1Decay)
{
    /// <summary>α in [0, 1): the decay (PyTorch's name for it).</summary>
    public float Alpha { get => Decay; init => Decay = value; }
    private protected override string DecayName => nameof(Alpha);
}

/// <summary>
/// RMSProp (Hinton's lecture 6e), as PyTorch writes it: s ← α·s + (1−α)·g², θ ← θ − η·g / (√s + ε).
/// Like Adagrad, but the sum of squares forgets. State: <c>"{i}.square_avg"</c>.
/// </summary>
public sealed class RmsProp(IEnumerable<Tensor> parameters, RmsPropOptions? options = null)
    : Optimizer<RmsPropOptions>(parameters, options ?? new RmsPropOptions(), ["square_avg"])
{
    protected override void Update(Piece p)
    {
        var s = p.State(0);
        Vec.EmaSquare(s, Options.Alpha, p.G, p.Temp); // s ← α·s + (1−α)·g²
        Vec.ScaledStep(p.Theta, LearningRate, p.G, s, Options.Epsilon, p.Temp);
    }
}
