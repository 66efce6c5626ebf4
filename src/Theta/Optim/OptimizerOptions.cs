namespace Theta.Optim;

/// <summary>
/// What every optimizer's options share. Each value is checked when the record is made and
/// again when it is varied with <c>with</c>: a bad value is an <see cref="ArgumentException"/>
/// naming the field and the value.
/// </summary>
/// <remarks>
/// Decay adds a penalty's gradient to g before the update ("coupled"):
/// L2, ½λ‖θ‖², adds λ·θ (<see cref="WeightDecay"/>); L1, λ‖θ‖₁, adds λ·sign(θ) (<see cref="L1Decay"/>).
/// </remarks>
public abstract record OptimizerOptions
{
    protected OptimizerOptions(float learningRate, float weightDecay, float l1Decay)
    {
        LearningRate = learningRate;
        WeightDecay = weightDecay;
        L1Decay = l1Decay;
    }

    /// <summary>The step size η (&gt; 0).</summary>
    public float LearningRate { get; init => field = Check.Positive(value, GetType().Name, nameof(LearningRate)); }

    /// <summary>L2 decay λ (≥ 0): g ← g + λ·θ. (AdamW decouples it instead: θ ← θ − η·λ·θ.)</summary>
    public float WeightDecay { get; init => field = Check.NonNegative(value, GetType().Name, nameof(WeightDecay)); }

    /// <summary>L1 decay λ (≥ 0): g ← g + λ·sign(θ).</summary>
    public float L1Decay { get; init => field = Check.NonNegative(value, GetType().Name, nameof(L1Decay)); }
}
