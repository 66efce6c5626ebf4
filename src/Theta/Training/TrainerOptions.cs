using Theta.Io;
using Theta.Optim;

namespace Theta.Training;

/// <summary>
/// How a <see cref="Trainer"/> runs. Each value is checked when the record is made (and when it
/// is varied with <c>with</c>): a bad value is an <see cref="ArgumentException"/> naming the field.
/// </summary>
/// <param name="Epochs">Passes over the training data (≥ 1; default 10). A resumed run continues up to this count.</param>
/// <param name="BatchSize">Examples per mini-batch (≥ 1, at most the number of examples; default 64). The last batch of an epoch may be smaller.</param>
/// <param name="Seed">Seeds the shuffle of the examples before each epoch (default 1). The model's initial weights come from the caller's own Rng.</param>
/// <param name="Patience">Early stopping: stop when the validation loss (the training loss without a validation set) has not improved on its best for this many epochs (≥ 1; default null, never stop early).</param>
/// <param name="CheckpointEvery">Write a checkpoint every this many epochs (≥ 0; default 0, never). Needs <paramref name="CheckpointPath"/>.</param>
/// <param name="CheckpointPath">Where checkpoints go; <c>{epoch}</c> in it is replaced by the epoch number, otherwise each one replaces the last (atomically).</param>
/// <param name="Schedule">Sets the learning rate before every step from the global step t = 0, 1, … (default null, the optimizer's rate throughout).</param>
/// <param name="EvalBatchSize">Rows per forward pass when evaluating (≥ 1; default 1000), so memory stays bounded.</param>
/// <param name="ProgressEvery">Report progress every this many batches, and after each epoch's last (≥ 1; default 10).</param>
/// <param name="CheckpointMetadata">Input shape, class names, … written into checkpoints, so a checkpoint loads as a model file.</param>
/// <param name="Loss">What is minimised (default the softmax cross-entropy over the logits).</param>
/// <param name="L2">λ of the penalty (λ/2)‖W‖² added to the loss, over the weight matrices (parameters named <c>weight</c>), not the biases (≥ 0; default 0).</param>
/// <param name="L1">λ of the penalty λ‖W‖₁ added to the loss, over the same weights (≥ 0; default 0).</param>
/// <param name="HuberDelta">δ of <see cref="TrainingLoss.Huber"/> (&gt; 0; default 1).</param>
public sealed record TrainerOptions(
    int Epochs = 10, int BatchSize = 64, ulong Seed = 1, int? Patience = null, int CheckpointEvery = 0, string? CheckpointPath = null,
    LearningRateSchedule? Schedule = null, int EvalBatchSize = 1000, int ProgressEvery = 10, NetworkMetadata? CheckpointMetadata = null,
    TrainingLoss Loss = TrainingLoss.CrossEntropy, float L2 = 0f, float L1 = 0f, float HuberDelta = 1f)
{
    public int Epochs { get; init => field = AtLeast(value, 1, nameof(Epochs)); } = AtLeast(Epochs, 1, nameof(Epochs));
    public int BatchSize { get; init => field = AtLeast(value, 1, nameof(BatchSize)); } = AtLeast(BatchSize, 1, nameof(BatchSize));
    public int? Patience { get; init => field = value is int p ? AtLeast(p, 1, nameof(Patience)) : null; } = Patience is int p ? AtLeast(p, 1, nameof(Patience)) : null;
    public int CheckpointEvery { get; init => field = AtLeast(value, 0, nameof(CheckpointEvery)); } = AtLeast(CheckpointEvery, 0, nameof(CheckpointEvery));
    public int EvalBatchSize { get; init => field = AtLeast(value, 1, nameof(EvalBatchSize)); } = AtLeast(EvalBatchSize, 1, nameof(EvalBatchSize));
    public int ProgressEvery { get; init => field = AtLeast(value, 1, nameof(ProgressEvery)); } = AtLeast(ProgressEvery, 1, nameof(ProgressEvery));
    public float L2 { get; init => field = NonNegative(value, nameof(L2)); } = NonNegative(L2, nameof(L2));
    public float L1 { get; init => field = NonNegative(value, nameof(L1)); } = NonNegative(L1, nameof(L1));
    public float HuberDelta { get; init => field = Check.Positive(value, nameof(TrainerOptions), nameof(HuberDelta)); } = Check.Positive(HuberDelta, nameof(TrainerOptions), nameof(HuberDelta));

    private static int AtLeast(int v, int min, string field) => Check.AtLeast(v, min, nameof(TrainerOptions), field);
    private static float NonNegative(float v, string field) => Check.NonNegative(v, nameof(TrainerOptions), field);
}

/// <summary>
/// Progress of a training run, the one report every fit gives: batch <paramref name="Batch"/> of <paramref name="Batches"/> of
/// epoch <paramref name="Epoch"/> done; the running mean loss (for the classifiers, the negative mean log-likelihood) and accuracy
/// over this epoch's batches so far; training speed since <c>Trainer.Fit</c> began; and the estimated time left for the remaining
/// epochs (evaluation excluded). A fit that reports only whole epochs (or steps) has Batch = Batches = 1, and an accuracy or a
/// speed it does not measure is NaN.
/// </summary>
public readonly record struct TrainerProgress(int Epoch, int Epochs, int Batch, int Batches, double Loss, double Accuracy, double ExamplesPerSecond, TimeSpan Remaining)
{
    /// <summary>A whole epoch (or step) of <paramref name="epochs"/> done with mean loss <paramref name="loss"/>; nothing else measured.</summary>
    public static TrainerProgress AfterEpoch(int epoch, int epochs, double loss) => new(epoch, epochs, 1, 1, loss, double.NaN, double.NaN, TimeSpan.Zero);
}

/// <summary>One epoch: the mean training loss and accuracy over its mini-batches (in training mode, as the weights moved), the validation loss and accuracy after it (null without a validation set), and its wall time.</summary>
public sealed record EpochRecord(int Epoch, double TrainLoss, double TrainAccuracy, double? ValLoss, double? ValAccuracy, double Seconds)
{
    /// <summary>The loss early stopping watches: validation if there is one, training otherwise.</summary>
    public double MonitoredLoss => ValLoss ?? TrainLoss;
}

/// <summary>What <c>Trainer.Fit</c> returns: one record per epoch run (including any before a resume), and whether and why it stopped early.</summary>
public sealed record TrainingHistory(IReadOnlyList<EpochRecord> Epochs, bool StoppedEarly = false, string? StopReason = null)
{
    /// <summary>The epoch with the lowest <see cref="EpochRecord.MonitoredLoss"/> (the first on ties); 0 when no epoch ran.</summary>
    public int BestEpoch => Epochs.Count == 0 ? 0 : Epochs.MinBy(e => e.MonitoredLoss)!.Epoch;

    /// <summary>The last epoch's record.</summary>
    public EpochRecord? Last => Epochs.Count == 0 ? null : Epochs[^1];
}

/// <summary>
/// Training produced a NaN or an infinity. The message names where: <c>epoch 3, step 17 (global step 217):
/// the gradient of 2.weight (layer 2, Linear) has NaN</c>. Usually the learning rate is too high.
/// </summary>
public sealed class TrainingDivergedException(string message, int epoch, int step, long globalStep, string? parameter)
    : ArithmeticException(message)
{
    public int Epoch { get; } = epoch;
    /// <summary>The step (mini-batch, from 1) within the epoch.</summary>
    public int Step { get; } = step;
    /// <summary>Steps since the start of training, from 1.</summary>
    public long GlobalStep { get; } = globalStep;
    /// <summary>The parameter whose value or gradient is not finite, or null when the loss itself is.</summary>
    public string? Parameter { get; } = parameter;
}
