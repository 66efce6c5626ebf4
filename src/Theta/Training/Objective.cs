using Theta.Metrics;
namespace Theta.Training;

/// <summary>
/// What a <see cref="Trainer"/> minimises, from the model's outputs z [B, k] and the batch's targets:
/// the negative log-likelihoods of the course's classifiers, or an error against real values.
/// </summary>
public enum TrainingLoss
{
    /// <summary>k ≥ 2 logits and class labels: the softmax cross-entropy −ln softmax(z)[y] (the default).</summary>
    CrossEntropy,
    /// <summary>One logit and labels 0/1: the negative Bernoulli log-likelihood −[y ln σ(z) + (1 − y) ln(1 − σ(z))].</summary>
    Bernoulli,
    /// <summary>Real targets t [B, k]: the squared error (z − t)².</summary>
    SquaredError,
    /// <summary>Real targets t [B, k]: Huber_δ(z − t) = ½d² for |d| ≤ δ, δ(|d| − ½δ) beyond (δ = <see cref="TrainerOptions.HuberDelta"/>).</summary>
    Huber,
    /// <summary>One logit and labels 0/1: the squared error (σ(z) − y)² of the probability (the playground's alternative to the log-likelihood).</summary>
    ProbabilitySquaredError,
}

/// <summary>
/// The targets of a training set's N rows: class labels (for <see cref="TrainingLoss.CrossEntropy"/>, and 0/1 for the
/// one-logit losses) or real values [N, k] (for the errors; a one-logit loss takes them as its 0/1 column too).
/// </summary>
public sealed class Targets
{
    private Tensor? _column; // the labels as a 0/1 column [N, 1], made once for the one-logit losses

    public Targets(int[] labels) => Labels = labels ?? throw new ArgumentNullException(nameof(labels));

    /// <param name="values">[N, k] real targets.</param>
    /// <param name="labels">The same rows' class labels, when there are any (for accuracy).</param>
    public Targets(Tensor values, int[]? labels = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Rank != 2) throw ShapeException.Invalid("Targets", values.Shape, $"values {values.Shape} must be [N, k]");
        if (labels is not null && labels.Length != values.Shape[0])
            throw new ArgumentException($"Targets: {values.Shape[0]} rows of values but {labels.Length} labels");
        Values = values;
        Labels = labels;
    }

    public static implicit operator Targets(int[] labels) => new(labels);

    /// <summary>Class labels, or null for real-valued targets.</summary>
    public int[]? Labels { get; }
    /// <summary>Real targets [N, k], or null for labels only.</summary>
    public Tensor? Values { get; }
    /// <summary>N, the number of rows.</summary>
    public int Count => Labels?.Length ?? Values!.Shape[0];

    /// <summary>The labels of <paramref name="rows"/>, in order.</summary>
    public int[] LabelsOf(ReadOnlySpan<int> rows)
    {
        var labels = Labels ?? throw new InvalidOperationException("Targets: these targets have no class labels");
        var r = new int[rows.Length];
        for (int i = 0; i < r.Length; i++) r[i] = labels[rows[i]];
        return r;
    }

    /// <summary>The real targets of <paramref name="rows"/> [rows, k]; for labels only, their 0/1 column.</summary>
    public Tensor ValuesOf(ReadOnlySpan<int> rows) => (Values ?? (_column ??= Tensor.FromArray(Labels!.Select(l => (float)l).ToArray(), Labels!.Length, 1))).SelectRows(rows);

    /// <summary>The targets of <paramref name="rows"/> alone.</summary>
    public Targets Of(ReadOnlySpan<int> rows) => Values is null ? new(LabelsOf(rows)) : new(Values.SelectRows(rows), Labels is null ? null : LabelsOf(rows));
}

/// <summary>The losses of <see cref="TrainingLoss"/> and the count of right answers, for the trainer and its evaluation.</summary>
internal static class Objective
{
    /// <summary>The loss of outputs <paramref name="z"/> [B, k] against the targets of <paramref name="rows"/>.</summary>
    public static Tensor Of(TrainingLoss loss, Tensor z, Targets y, ReadOnlySpan<int> rows, Reduction reduction, float huberDelta) => loss switch
    {
        TrainingLoss.CrossEntropy => Loss.CrossEntropy(z, y.LabelsOf(rows), reduction),
        TrainingLoss.Bernoulli => Loss.BinaryCrossEntropyWithLogits(z, y.ValuesOf(rows), reduction),
        TrainingLoss.SquaredError => Loss.SquaredError(z, y.ValuesOf(rows), reduction),
        TrainingLoss.Huber => Loss.Huber(z, y.ValuesOf(rows), huberDelta, reduction),
        _ => Loss.SquaredError(z.Sigmoid(), y.ValuesOf(rows), reduction),
    };

    /// <summary>
    /// How many rows of <paramref name="z"/> [B, k] predict their label: the largest logit (the first on ties) for k ≥ 2,
    /// z &gt; 0 for class 1 with one logit; 0 without labels.
    /// </summary>
    public static int Hits(Tensor z, Targets y, ReadOnlySpan<int> rows)
    {
        if (y.Labels is not { } labels) return 0;
        int k = z.Shape[z.Rank - 1], hits = 0;
        var data = z.Data;
        for (int r = 0; r < rows.Length; r++)
        {
            int predicted = k == 1 ? (data[r] > 0 ? 1 : 0) : ClassificationMetrics.ArgMax(data.Slice(r * k, k));
            if (predicted == labels[rows[r]]) hits++;
        }
        return hits;
    }
}
