using Theta.Nn;
using Theta.Optim;
using Theta.Training;

namespace Theta.Search;

/// <summary>
/// One network training on one set of rows, resumable: successive halving trains it for a few epochs,
/// ranks it, and (if it survives) carries on from where it stopped, with its weights, optimizer state
/// and position in the shuffled order kept. Everything is seeded, so the run is a pure function of the
/// config, the rows and the seed, whichever thread runs it.
/// </summary>
internal sealed class FoldRun
{
    private readonly Tensor _x;
    private readonly Targets _y;
    private readonly Trainer _trainer;
    private readonly Rng _shuffle;
    private readonly int[] _order;
    private readonly int _batch;
    private int _pos;

    /// <param name="targets">[n, 1]: 0/1 (Bernoulli) or the standardised target (regression); null for the labels alone.</param>
    public FoldRun(CandidateConfig config, Tensor x, int[]? labels, Tensor? targets, int outputs, TrainingLoss loss, Rng rng)
    {
        Config = config;
        _x = x;
        _y = targets is null ? new Targets(labels!) : new Targets(targets, labels);
        Network = config.Build(x.Shape[1], outputs, rng);
        Optimizer = config.CreateOptimizer(Network.Parameters());
        _shuffle = new Rng(rng.NextUInt() | ((ulong)rng.NextUInt() << 32));
        _order = Enumerable.Range(0, x.Shape[0]).ToArray();
        _batch = Math.Min(config.BatchSize, x.Shape[0]);
        _trainer = new Trainer(Network, Optimizer, new TrainerOptions(BatchSize: _batch, Loss: loss));
    }

    public CandidateConfig Config { get; }
    public Sequential Network { get; }
    public Optimizer Optimizer { get; }
    /// <summary>Examples trained on so far.</summary>
    public long Seen { get; private set; }
    /// <summary>Set when the loss or a weight became NaN or infinite; the run then stops training.</summary>
    public bool Diverged { get; private set; }

    public int Rows => _x.Shape[0];

    /// <summary>Trains until <paramref name="examples"/> examples have been seen in all (whole mini-batches; the order is reshuffled each epoch).</summary>
    public void TrainTo(long examples, CancellationToken ct = default)
    {
        while (Seen < examples && !Diverged)
        {
            ct.ThrowIfCancellationRequested();
            Step();
        }
    }

    /// <summary>Exactly <paramref name="count"/> steps (for calibration).</summary>
    public void Steps(int count)
    {
        for (int i = 0; i < count && !Diverged; i++) Step();
    }

    private void Step()
    {
        if (_pos == 0) _shuffle.Shuffle<int>(_order);
        int len = Math.Min(_batch, _order.Length - _pos);
        Network.Train();
        try { _trainer.Step(_x, _y, _order.AsSpan(_pos, len)); }
        catch (TrainingDivergedException e)
        {
            Diverged = true;        // the run stops training and ranks last
            if (e.Parameter is null) return;
        }
        _pos += len;
        if (_pos == _order.Length) _pos = 0;
        Seen += len;
    }
}
