using System.Diagnostics;
using Theta.Metrics;
using Theta.Nn;
using Theta.Optim;

namespace Theta.Training;

/// <summary>
/// Trains a classifier with integer labels by mini-batch gradient descent on the softmax
/// cross-entropy L = −(1/B) Σ_b ln softmax(f(x_b))[y_b] (the mean negative log-likelihood of a
/// batch; the model outputs logits [B, classes]). Each epoch visits the examples in an order drawn
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
    private int? _trainRows; // the training set size of the run so far (checked when a resumed run continues)

    /// <param name="model">Maps a batch [B, …] to logits [B, classes].</param>
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
    /// rank before <see cref="Fit"/>: rank 0's weights are broadcast, each rank computes its shard of every
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
    /// for a CNN) with labels <paramref name="y"/> (N class indices) from epoch <see cref="EpochsDone"/> + 1
    /// up to <see cref="TrainerOptions.Epochs"/>, evaluating on (<paramref name="xVal"/>, <paramref name="yVal"/>)
    /// after each epoch when given. Leaves the model in evaluation mode.
    /// </summary>
    /// <exception cref="ArgumentException">Mismatched rows and labels, a batch larger than the data, a negative label.</exception>
    /// <exception cref="TrainingDivergedException">The loss, a gradient or a weight became NaN or infinite.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled (checked before each batch).</exception>
    public TrainingHistory Fit(Tensor x, int[] y, Tensor? xVal = null, int[]? yVal = null,
        Action<TrainerProgress>? progress = null, CancellationToken ct = default)
    {
        CheckData(x, y, "training");
        if ((xVal is null) != (yVal is null)) throw new ArgumentException("Trainer: give both the validation inputs and their labels, or neither");
        if (xVal is not null) CheckData(xVal, yVal!, "validation");
        int n = x.Shape[0], B = Options.BatchSize;
        if (B > n)
            throw new ArgumentException($"Trainer: the batch size {B} is larger than the {n} training examples; use a batch size of at most {n}");
        if (_trainRows is int trained && trained != n)
            throw new ArgumentException($"Trainer: this run was trained on {trained} examples (checkpoint), but {n} were given; resume with the same data");
        _trainRows = n;
        var par = Parallel;
        if (par is not null)
        {
            par.CheckBatch(B, n);
            par.BroadcastParameters(Parameters);
        }

        int batches = (n + B - 1) / B;
        var clock = Stopwatch.StartNew();
        long seen = 0, toSee = (long)(Options.Epochs - EpochsDone) * n;
        for (int epoch = EpochsDone + 1; epoch <= Options.Epochs && !History.StoppedEarly; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            Model.Train();
            if (par is not null) ForkDropout(par);
            var order = _shuffle.Permutation(n);
            double lossSum = 0;
            long correct = 0;
            for (int b = 0; b < batches; b++)
            {
                ct.ThrowIfCancellationRequested();
                int rows = Math.Min(B, n - b * B);
                var idx = order.AsSpan(b * B, rows);
                if (par is not null) { var (start, count) = par.Shard(rows); idx = idx.Slice(start, count); } // this rank's shard
                var labels = new int[idx.Length];
                for (int i = 0; i < idx.Length; i++) labels[i] = y[idx[i]];
                double loss;
                int hits;
                using (_arena.Use()) (loss, hits) = Step(idx.IsEmpty ? null : x.SelectRows(idx), labels, rows, epoch, b + 1); // the step's temporaries are reused

                lossSum += loss * rows;
                correct += hits;
                seen += rows;
                if (progress is not null && ((b + 1) % Options.ProgressEvery == 0 || b == batches - 1))
                {
                    int done = Math.Min((b + 1) * B, n);
                    double speed = seen / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
                    progress(new TrainerProgress(epoch, Options.Epochs, b + 1, batches, lossSum / done, (double)correct / done,
                        speed, TimeSpan.FromSeconds((toSee - seen) / speed)));
                }
            }
            double? valLoss = null, valAcc = null;
            if (xVal is not null) (valLoss, valAcc) = par is null ? Evaluate(Model, xVal, yVal!, Options.EvalBatchSize) : EvaluateShared(par, xVal, yVal!);
            _history.Add(new EpochRecord(epoch, lossSum / n, (double)correct / n, valLoss, valAcc, epochClock.Elapsed.TotalSeconds));
            History = new TrainingHistory([.. _history], StopReason(out var reason), reason);
            if (Options.CheckpointEvery > 0 && epoch % Options.CheckpointEvery == 0 && (par is null || par.Rank == 0))
                SaveCheckpoint(Options.CheckpointPath!.Replace("{epoch}", epoch.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }
        Model.Eval();
        return History;
    }

    // One mini-batch: forward, loss, backward, (average across ranks), guard, update. Returns the whole
    // batch's mean loss and correct predictions. xb is this rank's shard of a batch of globalRows rows
    // (the whole batch without Parallel); null when a short last batch left this rank no rows.
    private (double Loss, int Correct) Step(Tensor? xb, int[] yb, int globalRows, int epoch, int step)
    {
        Options.Schedule?.Apply(Optimizer, (int)Math.Min(_globalStep, int.MaxValue));
        _globalStep++;
        float value = 0;
        int correct = 0;
        Model.ZeroGrad();
        if (xb is not null)
        {
            var logits = Model.Forward(xb);
            var loss = Loss.CrossEntropy(logits, yb);
            value = loss.Item();
            if (Parallel is null && !float.IsFinite(value)) throw Diverged(epoch, step, $"the loss is {Describe(value)}", null);
            loss.Backward();
            int C = logits.Shape[1];
            var z = logits.Data;
            for (int r = 0; r < yb.Length; r++)
                if (ClassificationMetrics.ArgMax(z.Slice(r * C, C)) == yb[r]) correct++;
        }
        if (Parallel is { } par)
        {
            // The loss sum and the hits ride with the gradients, so every rank sees the whole batch's (and a NaN on any rank).
            Span<float> sums = [value * yb.Length, correct];
            par.AverageGradients(Parameters, yb.Length, globalRows, sums);
            (value, correct) = (sums[0] / globalRows, (int)sums[1]);
            if (!float.IsFinite(value)) throw Diverged(epoch, step, $"the loss is {Describe(value)}", null);
        }
        CheckFinite(epoch, step, gradients: true);
        Optimizer.Step();
        CheckFinite(epoch, step, gradients: false);
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

    private static void CheckData(Tensor x, int[] y, string what)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Rank < 1 || x.Shape[0] == 0) throw new ArgumentException($"Trainer: the {what} inputs {x.Shape} must be [N, …] with N ≥ 1 rows");
        if (x.Shape[0] != y.Length)
            throw new ArgumentException($"Trainer: the {what} inputs {x.Shape} have {x.Shape[0]} rows but {y.Length} labels were given; expected one label per row");
        int bad = Array.FindIndex(y, l => l < 0);
        if (bad >= 0) throw new ArgumentException($"Trainer: {what} label {y[bad]} at row {bad} is negative; expected a class index 0, 1, …");
    }

    /// <summary>
    /// Softmax probabilities P(y = k | x) [N, classes] of <paramref name="model"/> (which outputs logits) on
    /// <paramref name="x"/>, in evaluation mode under NoGrad, <paramref name="batch"/> rows at a time.
    /// The model's mode is restored afterwards.
    /// </summary>
    public static Tensor Probabilities(Module model, Tensor x, int batch = 1000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        bool wasTraining = model.Training;
        model.Eval();
        try
        {
            using var _ = Autograd.NoGrad();
            var parts = new List<Tensor>();
            for (int start = 0; start < x.Shape[0]; start += batch)
                parts.Add(model.Forward(x.SelectRows([.. Enumerable.Range(start, Math.Min(batch, x.Shape[0] - start))])).Softmax());
            return parts.Count == 1 ? parts[0] : Tensor.Concat(parts);
        }
        finally { model.Train(wasTraining); }
    }

    /// <summary>
    /// The mean cross-entropy and the accuracy (fraction of rows whose largest logit is the label)
    /// of <paramref name="model"/> on (<paramref name="x"/>, <paramref name="y"/>), in evaluation mode
    /// under NoGrad, <paramref name="batch"/> rows at a time. The model's mode is restored afterwards.
    /// </summary>
    public static (double Loss, double Accuracy) Evaluate(Module model, Tensor x, int[] y, int batch = 1000)
    {
        CheckData(x, y, "evaluation");
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        bool wasTraining = model.Training;
        model.Eval();
        try
        {
            using var _ = Autograd.NoGrad();
            var arena = new TensorArena();
            int n = x.Shape[0];
            double lossSum = 0;
            long correct = 0;
            for (int start = 0; start < n; start += batch)
            {
                using var scope = arena.Use(); // each chunk's temporaries are reused by the next
                int len = Math.Min(batch, n - start);
                var idx = Enumerable.Range(start, len).ToArray();
                var logits = model.Forward(x.SelectRows(idx));
                var labels = y.AsSpan(start, len);
                lossSum += Loss.CrossEntropy(logits, labels, Reduction.Sum).Item();
                int C = logits.Shape[1];
                var z = logits.Data;
                for (int r = 0; r < len; r++)
                    if (ClassificationMetrics.ArgMax(z.Slice(r * C, C)) == labels[r]) correct++;
            }
            return (lossSum / n, (double)correct / n);
        }
        finally { model.Train(wasTraining); }
    }
}
