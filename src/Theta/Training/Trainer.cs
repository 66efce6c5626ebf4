using System.Diagnostics;
using Theta.Metrics;
using Theta.Nn;
using Theta.Optim;

namespace Theta.Training;

/// <summary>
/// The one training loop: mini-batch gradient descent on the mean loss of a batch, by default the softmax
/// cross-entropy L = −(1/B) Σ_b ln softmax(f(x_b))[y_b] of logits [B, classes] (<see cref="TrainerOptions.Loss"/>
/// names the others), plus any L1/L2 penalty. <see cref="Step"/> is one batch, <see cref="TrainEpoch"/> one
/// shuffled pass, <c>Fit</c> a run of epochs. In <c>Fit</c> each epoch visits the examples in an order drawn
/// from the seeded shuffler; after each epoch the model is evaluated on the validation set (in
/// evaluation mode, under NoGrad), the epoch is recorded, early stopping is checked, and a
/// checkpoint may be written. A NaN or infinity in the loss, a gradient or a weight stops training
/// with a <see cref="TrainingDivergedException"/> naming the step and the layer.
/// <para>A run is a pure function of the initial weights, the data and <see cref="TrainerOptions.Seed"/>:
/// resuming from a checkpoint (<see cref="Resume"/>) ends with bit-identical weights.</para>
/// <para>With <see cref="Parallel"/> set, each of N ranks runs this same loop on its shard of every global
/// batch of <see cref="TrainerOptions.BatchSize"/> rows and the gradients are averaged across the ranks
/// (see <see cref="DataParallel"/>), so N ranks follow the trajectory of one process.</para>
/// </summary>
public sealed partial class Trainer
{
    private readonly Rng _shuffle;
    private readonly List<EpochRecord> _history = [];
    private long _globalStep;
    private int _epoch, _step;        // where the current step is, for the guard's messages
    private bool _begun;              // the data was checked (and Parallel set up) for this run
    private Stopwatch? _clock;        // training speed since Fit (or the first epoch) began
    private long _seen, _toSee;       // examples trained on since then, and those Fit has still to see
    private int? _trainRows; // the training set size of the run so far (checked when a resumed run continues)

    /// <param name="model">Maps a batch [B, …] to outputs [B, k] (logits for the classifiers' losses).</param>
    /// <param name="optimizer">Updates <paramref name="model"/>'s parameters; its options already checked the learning rate (> 0).</param>
    public Trainer(Module model, Optimizer optimizer, TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(options);
        if (options.CheckpointEvery > 0 && string.IsNullOrWhiteSpace(options.CheckpointPath))
            throw new ArgumentException($"Trainer: CheckpointEvery is {options.CheckpointEvery} but no CheckpointPath was given", nameof(options));
        Model = model;
        Optimizer = optimizer;
        Options = options;
        _shuffle = new Rng(options.Seed);
    }

    // NOTE: every op output, intermediate gradient and saved buffer of a step comes from here and is
    // reused by the next step of the same shapes (no per-step allocation; see TensorArena).
    private readonly TensorArena _arena = new();

    public Module Model { get; }
    public Optimizer Optimizer { get; }
    public TrainerOptions Options { get; }

    /// <summary>
    /// Data-parallel training over several ranks (null, the default: this process alone). Set it on every
    /// rank before <c>Fit</c>: rank 0's weights are broadcast, each rank computes its shard of every
    /// batch, only rank 0 writes checkpoints, and the history (losses, accuracies) is that of the whole batch.
    /// Dropout draws from a stream per rank, forked from rank 0's at each epoch, so a run is deterministic for a given N.
    /// </summary>
    public DataParallel? Parallel { get; set; }

    /// <summary>Epochs completed so far (including those before a resume).</summary>
    public int EpochsDone => _history.Count;

    /// <summary>The epochs so far.</summary>
    public TrainingHistory History { get; private set; } = new([]);

    /// <summary>
    /// Trains on <paramref name="x"/> [N, …] (any trailing shape: [N, 784] for an MLP, [N, 1, 28, 28]
    /// for a CNN) towards <paramref name="y"/> (N class indices, or real targets for the errors) from epoch
    /// <see cref="EpochsDone"/> + 1 up to <see cref="TrainerOptions.Epochs"/>, evaluating on (<paramref name="xVal"/>,
    /// <paramref name="yVal"/>) after each epoch when given. Leaves the model in evaluation mode.
    /// </summary>
    /// <exception cref="ArgumentException">Mismatched rows and labels, a batch larger than the data, a negative label.</exception>
    /// <exception cref="TrainingDivergedException">The loss, a gradient or a weight became NaN or infinite.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled (checked before each batch).</exception>
    public TrainingHistory Fit(Tensor x, Targets y, Tensor? xVal = null, Targets? yVal = null,
        Action<TrainerProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(y);
        if ((xVal is null) != (yVal is null)) throw new ArgumentException("Trainer: give both the validation inputs and their labels, or neither");
        if (xVal is not null) CheckData(xVal, yVal!, "validation");
        Begin(x, y);
        int n = x.Shape[0];
        _clock = Stopwatch.StartNew();
        _seen = 0;
        _toSee = (long)(Options.Epochs - EpochsDone) * n;
        var par = Parallel;
        for (int epoch = EpochsDone + 1; epoch <= Options.Epochs && !History.StoppedEarly; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            var (loss, accuracy) = TrainEpoch(x, y, _shuffle.Permutation(n), progress, ct);
            double? valLoss = null, valAcc = null;
            if (xVal is not null) (valLoss, valAcc) = par is null ? Evaluate(Model, xVal, yVal!, Options.EvalBatchSize, Options) : EvaluateShared(par, xVal, yVal!);
            _history.Add(new EpochRecord(epoch, loss, accuracy, valLoss, valAcc, epochClock.Elapsed.TotalSeconds));
            History = new TrainingHistory([.. _history], StopReason(out var reason), reason);
            if (Options.CheckpointEvery > 0 && epoch % Options.CheckpointEvery == 0 && (par is null || par.Rank == 0))
                SaveCheckpoint(Options.CheckpointPath!.Replace("{epoch}", epoch.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }
        Model.Eval();
        return History;
    }

    /// <summary>Trains a classifier on class labels: <see cref="Fit(Tensor, Targets, Tensor?, Targets?, Action{TrainerProgress}?, CancellationToken)"/>.</summary>
    public TrainingHistory Fit(Tensor x, int[] y, Tensor? xVal = null, int[]? yVal = null,
        Action<TrainerProgress>? progress = null, CancellationToken ct = default)
        => Fit(x, new Targets(y), xVal, yVal is null ? null : new Targets(yVal), progress, ct);

    /// <summary>
    /// One epoch: the model in training mode, then one <see cref="Step"/> per mini-batch of <see cref="TrainerOptions.BatchSize"/>
    /// rows of <paramref name="order"/> (the last may be smaller). Returns the mean loss and the share of right answers over the
    /// epoch's batches, as the weights moved. <c>Fit</c> calls it with a fresh permutation from <see cref="TrainerOptions.Seed"/>;
    /// a caller with its own shuffle calls it directly (it does not record a history).
    /// </summary>
    public (double Loss, double Accuracy) TrainEpoch(Tensor x, Targets y, ReadOnlySpan<int> order,
        Action<TrainerProgress>? progress = null, CancellationToken ct = default)
    {
        if (!_begun) Begin(x, y);
        _clock ??= Stopwatch.StartNew();
        var par = Parallel;
        _epoch = Math.Max(_epoch, EpochsDone) + 1; // the epochs of Fit's history, or the calls so far
        _step = 0;
        Model.Train();
        if (par is not null) ForkDropout(par);
        int n = order.Length, B = Options.BatchSize, batches = (n + B - 1) / B;
        double lossSum = 0;
        long correct = 0;
        for (int b = 0; b < batches; b++)
        {
            ct.ThrowIfCancellationRequested();
            int rows = Math.Min(B, n - b * B);
            var (loss, hits) = Step(x, y, order.Slice(b * B, rows));
            lossSum += (double)loss * rows;
            correct += hits;
            _seen += rows;
            if (progress is not null && ((b + 1) % Options.ProgressEvery == 0 || b == batches - 1))
            {
                int done = Math.Min((b + 1) * B, n);
                double speed = _seen / Math.Max(_clock.Elapsed.TotalSeconds, 1e-9);
                progress(new TrainerProgress(_epoch, Options.Epochs, b + 1, batches, lossSum / done, (double)correct / done,
                    speed, TimeSpan.FromSeconds(Math.Max(_toSee - _seen, 0) / speed)));
            }
        }
        return (lossSum / n, (double)correct / n);
    }

    /// <summary>
    /// One mini-batch of the rows <paramref name="rows"/> of (<paramref name="x"/>, <paramref name="y"/>): the learning rate from the
    /// schedule, forward, loss (+ penalties), backward, (with <see cref="Parallel"/>: this rank computes its shard of the rows and the
    /// gradients are averaged across the ranks), the NaN/Inf guard, and the optimizer's update. Returns the whole batch's mean loss
    /// (without the penalties) and how many of its rows the model got right before the update. The model's mode is the caller's.
    /// </summary>
    /// <exception cref="TrainingDivergedException">The loss, a gradient or a weight became NaN or infinite (the update is not taken when the loss or a gradient is).</exception>
    public (float Loss, int Correct) Step(Tensor x, Targets y, ReadOnlySpan<int> rows)
    {
        if (!_begun) Begin(x, y);
        if (_epoch == 0) _epoch = 1;
        _step++;
        int globalRows = rows.Length;
        if (Parallel is { } p) { var (start, count) = p.Shard(globalRows); rows = rows.Slice(start, count); } // this rank's shard
        using (_arena.Use()) // the step's temporaries are reused by the next
            return StepCore(rows.IsEmpty ? null : AllInOrder(x, rows) ? x : x.SelectRows(rows), y, rows, globalRows);
    }

    // A batch of every row in order is x itself (full-batch training copies nothing).
    private static bool AllInOrder(Tensor x, ReadOnlySpan<int> rows)
    {
        if (rows.Length != x.Shape[0]) return false;
        for (int i = 0; i < rows.Length; i++) if (rows[i] != i) return false;
        return true;
    }

    // Checks the data once per run: rows and targets agree, the batch fits, a resumed run has its data; sets up Parallel.
    private void Begin(Tensor x, Targets y)
    {
        CheckData(x, y, "training");
        int n = x.Shape[0], B = Options.BatchSize;
        if (B > n)
            throw new ArgumentException($"Trainer: the batch size {B} is larger than the {n} training examples; use a batch size of at most {n}");
        if (_trainRows is int trained && trained != n)
            throw new ArgumentException($"Trainer: this run was trained on {trained} examples (checkpoint), but {n} were given; resume with the same data");
        _trainRows = n;
        if (Parallel is { } par)
        {
            par.CheckBatch(B, n);
            par.BroadcastParameters(Parameters);
        }
        _begun = true;
    }

    // Forward, loss, backward, (average across ranks), guard, update. xb is this rank's rows of the batch (the whole
    // batch of globalRows rows without Parallel); null when a short last batch left this rank no rows.
    private (float Loss, int Correct) StepCore(Tensor? xb, Targets y, ReadOnlySpan<int> rows, int globalRows)
    {
        Options.Schedule?.Apply(Optimizer, (int)Math.Min(_globalStep, int.MaxValue));
        _globalStep++;
        float value = 0;
        int correct = 0;
        Model.ZeroGrad();
        if (xb is not null)
        {
            var z = Model.Forward(xb);
            var loss = Objective.Of(Options.Loss, z, y, rows, Reduction.Mean, Options.HuberDelta);
            value = loss.Item();
            if (Parallel is null && !float.IsFinite(value)) throw Diverged($"the loss is {Describe(value)}", null);
            if (Options.L2 > 0) foreach (var w in Weights) loss = loss + (w * w).Sum() * (Options.L2 / 2);
            if (Options.L1 > 0) foreach (var w in Weights) loss = loss + w.Abs().Sum() * Options.L1;
            loss.Backward();
            correct = Objective.Hits(z, y, rows);
        }
        if (Parallel is { } par)
        {
            // The loss sum and the hits ride with the gradients, so every rank sees the whole batch's (and a NaN on any rank).
            Span<float> sums = [value * rows.Length, correct];
            par.AverageGradients(Parameters, rows.Length, globalRows, sums);
            (value, correct) = (sums[0] / globalRows, (int)sums[1]);
            if (!float.IsFinite(value)) throw Diverged($"the loss is {Describe(value)}", null);
        }
        CheckFinite(gradients: true);
        Optimizer.Step();
        CheckFinite(gradients: false);
        if (Parallel is { CheckReplicas: true } p) p.VerifyReplicas(Parameters, _globalStep);
        return (value, correct);
    }

    // Early stopping: the monitored loss has not beaten its best for Patience epochs.
    private bool StopReason(out string? reason)
    {
        reason = null;
        if (Options.Patience is not int patience) return false;
        var h = new TrainingHistory(_history);
        int best = h.BestEpoch, last = _history[^1].Epoch;
        if (last - best < patience) return false;
        string which = _history[^1].ValLoss is null ? "training" : "validation";
        reason = $"the {which} loss has not improved for {patience} epoch{(patience == 1 ? "" : "s")} (best {_history[best - 1].MonitoredLoss:G6} at epoch {best})";
        return true;
    }

    private static void CheckData(Tensor x, Targets y, string what)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Rank < 1 || x.Shape[0] == 0) throw new ArgumentException($"Trainer: the {what} inputs {x.Shape} must be [N, …] with N ≥ 1 rows");
        if (x.Shape[0] != y.Count)
            throw new ArgumentException($"Trainer: the {what} inputs {x.Shape} have {x.Shape[0]} rows but {y.Count} {(y.Labels is null ? "targets" : "labels")} were given; expected one {(y.Labels is null ? "target" : "label")} per row");
        int bad = y.Labels is { } labels ? Array.FindIndex(labels, l => l < 0) : -1;
        if (bad >= 0) throw new ArgumentException($"Trainer: {what} label {y.Labels![bad]} at row {bad} is negative; expected a class index 0, 1, …");
    }

    /// <summary>
    /// The outputs [N, k] of <paramref name="model"/> on <paramref name="x"/> [N, …] (with <paramref name="softmax"/>, their
    /// softmax), in evaluation mode under NoGrad, <paramref name="batch"/> rows at a time. The model's mode is restored afterwards.
    /// </summary>
    public static Tensor Outputs(Module model, Tensor x, int batch = 1000, bool softmax = false)
    {
        int n = x.Shape[0], k = 0;
        float[]? result = null;
        InChunks(model, x, batch, (idx, o) =>
        {
            if (softmax) o = o.Softmax();
            result ??= new float[n * (k = o.Shape[1])];
            o.Data.CopyTo(result.AsSpan(idx[0] * k));
        });
        return Tensor.FromArray(result!, n, k);
    }

    // The model on x, batch rows at a time (each chunk's row indices and outputs to use), in evaluation mode under NoGrad;
    // the model's mode is restored afterwards.
    private static void InChunks(Module model, Tensor x, int batch, Action<int[], Tensor> use)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        using var _ = model.EvalScope();
        var arena = new TensorArena();
        for (int start = 0, n = x.Shape[0]; start < n; start += batch)
        {
            using var scope = arena.Use(); // each chunk's temporaries are reused by the next
            var idx = Enumerable.Range(start, Math.Min(batch, n - start)).ToArray();
            use(idx, model.Forward(x.SelectRows(idx)));
        }
    }

    /// <summary>Softmax probabilities P(y = k | x) [N, classes] of <paramref name="model"/> (which outputs logits): <see cref="Outputs"/> with the softmax.</summary>
    public static Tensor Probabilities(Module model, Tensor x, int batch = 1000) => Outputs(model, x, batch, softmax: true);

    /// <summary>
    /// The mean loss (<paramref name="options"/>' <see cref="TrainerOptions.Loss"/>, the cross-entropy by default; no penalties) and
    /// the accuracy (the share of rows whose prediction is the label; 0 without labels) of <paramref name="model"/> on
    /// (<paramref name="x"/>, <paramref name="y"/>), in evaluation mode under NoGrad, <paramref name="batch"/> rows at a time.
    /// The model's mode is restored afterwards.
    /// </summary>
    public static (double Loss, double Accuracy) Evaluate(Module model, Tensor x, Targets y, int batch = 1000, TrainerOptions? options = null)
    {
        CheckData(x, y, "evaluation");
        var o = options ?? DefaultOptions;
        double lossSum = 0;
        long correct = 0;
        InChunks(model, x, batch, (idx, z) =>
        {
            lossSum += Objective.Of(o.Loss, z, y, idx, Reduction.Sum, o.HuberDelta).Item();
            correct += Objective.Hits(z, y, idx);
        });
        return (lossSum / x.Shape[0], (double)correct / x.Shape[0]);
    }

    private static readonly TrainerOptions DefaultOptions = new();
}
