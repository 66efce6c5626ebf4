namespace Theta.Optim;

/// <summary>
/// A learning rate as a function of the step (or epoch) t = 0, 1, 2, …. Drive an optimizer with
/// <c>schedule.Apply(optimizer, t)</c> before each step (or epoch).
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>η(t).</summary>
    public abstract float At(int step);

    /// <summary>Sets <paramref name="optimizer"/>'s learning rate to η(<paramref name="step"/>) and returns it.</summary>
    public float Apply(Optimizer optimizer, int step) => optimizer.LearningRate = At(step);

    private protected static void CheckStep(int step)
        => ArgumentOutOfRangeException.ThrowIfNegative(step);
}

/// <summary>Step decay: η(t) = η₀·γ^⌊t / stepSize⌋ (multiply by γ every <c>stepSize</c> steps).</summary>
public sealed class StepLR(float baseLearningRate, int stepSize, float gamma = 0.1f) : LearningRateSchedule
{
    public float BaseLearningRate { get; } = Check.Positive(baseLearningRate, nameof(StepLR), nameof(baseLearningRate));
    public int StepSize { get; } = stepSize >= 1 ? stepSize : throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "StepLR: stepSize must be at least 1");
    public float Gamma { get; } = Check.Positive(gamma, nameof(StepLR), nameof(gamma));

    public override float At(int step)
    {
        CheckStep(step);
        return (float)(BaseLearningRate * Math.Pow(Gamma, step / StepSize));
    }
}

/// <summary>
/// Cosine annealing from η₀ down to η_min over T steps:
/// η(t) = η_min + (η₀ − η_min)·(1 + cos(π·t/T))/2 for t ≤ T, and η_min after.
/// </summary>
public sealed class CosineAnnealing(float baseLearningRate, int totalSteps, float minLearningRate = 0f) : LearningRateSchedule
{
    public float BaseLearningRate { get; } = Check.Positive(baseLearningRate, nameof(CosineAnnealing), nameof(baseLearningRate));
    public int TotalSteps { get; } = totalSteps >= 1 ? totalSteps : throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "CosineAnnealing: totalSteps must be at least 1");
    public float MinLearningRate { get; } = Check.NonNegative(minLearningRate, nameof(CosineAnnealing), nameof(minLearningRate)) <= baseLearningRate ? minLearningRate
        : throw new ArgumentException($"CosineAnnealing: minLearningRate {minLearningRate} exceeds baseLearningRate {baseLearningRate}");

    public override float At(int step)
    {
        CheckStep(step);
        if (step >= TotalSteps) return MinLearningRate;
        return (float)(MinLearningRate + (BaseLearningRate - MinLearningRate) * (1 + Math.Cos(Math.PI * step / TotalSteps)) / 2);
    }
}

/// <summary>
/// Linear warm-up in front of another schedule: for t &lt; W,
/// η(t) = η_after(0)·(f₀ + (1 − f₀)·t/W); from t = W on, η(t) = η_after(t − W).
/// f₀ is <c>startFactor</c> (η starts at f₀·η_after(0)); the warm-up ends where <see cref="After"/> begins.
/// </summary>
public sealed class LinearWarmup(LearningRateSchedule after, int warmupSteps, float startFactor = 0.01f) : LearningRateSchedule
{
    public LearningRateSchedule After { get; } = after ?? throw new ArgumentNullException(nameof(after));
    public int WarmupSteps { get; } = warmupSteps >= 1 ? warmupSteps : throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "LinearWarmup: warmupSteps must be at least 1");
    public float StartFactor { get; } = startFactor > 0 && startFactor <= 1 ? startFactor : throw new ArgumentOutOfRangeException(nameof(startFactor), startFactor, "LinearWarmup: startFactor must be in (0, 1] (a learning rate must stay positive)");

    public override float At(int step)
    {
        CheckStep(step);
        if (step >= WarmupSteps) return After.At(step - WarmupSteps);
        return (float)(After.At(0) * (StartFactor + (1.0 - StartFactor) * step / WarmupSteps));
    }
}

/// <summary>A constant η(t) = η₀ (e.g. the schedule after a warm-up).</summary>
public sealed class ConstantLR(float learningRate) : LearningRateSchedule
{
    public float LearningRate { get; } = Check.Positive(learningRate, nameof(ConstantLR), nameof(learningRate));

    public override float At(int step)
    {
        CheckStep(step);
        return LearningRate;
    }
}
