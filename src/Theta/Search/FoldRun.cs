using Theta.Nn;
using Theta.Optim;

namespace Theta.Search;

/// <summary>The loss a network is trained on.</summary>
internal enum LossKind
{
    /// <summary>Two classes: one logit, the Bernoulli log-likelihood.</summary>
    Bernoulli,
    /// <summary>More classes: C logits, the multinomial log-likelihood.</summary>
    Multinomial,
    /// <summary>Regression: one output, squared error on the standardised target.</summary>
    Squared,
}

/// <summary>
/// One network training on one set of rows, resumable: successive halving trains it for a few epochs,
/// ranks it, and (if it survives) carries on from where it stopped, with its weights, optimizer state
/// and position in the shuffled order kept. Everything is seeded, so the run is a pure function of the
/// config, the rows and the seed, whichever thread runs it.
/// </summary>
internal sealed class FoldRun
{
    private readonly Tensor _x;
    private readonly int[]? _labels;
    private readonly Tensor? _targets;   // [n, 1]: 0/1 (Bernoulli) or the standardised target (regression)
    private readonly LossKind _loss;
    private readonly Rng _shuffle;
    private readonly int[] _order;
    private readonly int _batch;
    private readonly TensorArena _arena = new();
    private int _pos;

    public FoldRun(CandidateConfig config, Tensor x, int[]? labels, Tensor? targets, int outputs, LossKind loss, Rng rng)
    {
        Config = config;
        _x = x; _labels = labels; _targets = targets; _loss = loss;
        Network = config.Build(x.Shape[1], outputs, rng);
        Optimizer = config.CreateOptimizer(Network.Parameters());
        _shuffle = new Rng(rng.NextUInt() | ((ulong)rng.NextUInt() << 32));
        _order = Enumerable.Range(0, x.Shape[0]).ToArray();
        _batch = Math.Min(config.BatchSize, x.Shape[0]);
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
        var idx = _order.AsSpan(_pos, len);
        Network.Train();
        using (_arena.Use())
        {
            var output = Network.Forward(_x.SelectRows(idx));
            Tensor loss = _loss switch
            {
                LossKind.Bernoulli => Loss.BinaryCrossEntropyWithLogits(output, _targets!.SelectRows(idx)),
                LossKind.Multinomial => Loss.CrossEntropy(output, Gather(_labels!, idx)),
                _ => Loss.SquaredError(output, _targets!.SelectRows(idx)),
            };
            if (!float.IsFinite(loss.Item())) { Diverged = true; return; }
            Optimizer.ZeroGrad();
            loss.Backward();
            Optimizer.Step();
        }
        foreach (var p in Network.Parameters())
            if (!System.Numerics.Tensors.TensorPrimitives.IsFiniteAll(p.Data)) { Diverged = true; break; }
        _pos += len;
        if (_pos == _order.Length) _pos = 0;
        Seen += len;
    }

    private static int[] Gather(int[] labels, ReadOnlySpan<int> idx)
    {
        var r = new int[idx.Length];
        for (int i = 0; i < r.Length; i++) r[i] = labels[idx[i]];
        return r;
    }

    /// <summary>The network's outputs [rows, outputs] on <paramref name="x"/>, in evaluation mode, 1000 rows at a time.</summary>
    public static float[] Outputs(Sequential net, Tensor x)
    {
        net.Eval();
        using var _ = Autograd.NoGrad();
        int n = x.Shape[0];
        var arena = new TensorArena();
        float[]? result = null;
        for (int start = 0; start < n; start += 1000)
        {
            using var scope = arena.Use();
            int len = Math.Min(1000, n - start);
            var o = net.Forward(x.SelectRows([.. Enumerable.Range(start, len)]));
            result ??= new float[n * o.Shape[1]];
            o.Data.CopyTo(result.AsSpan(start * o.Shape[1]));
        }
        return result!;
    }
}
