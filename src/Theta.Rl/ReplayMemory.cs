namespace Theta.Rl;

/// <summary>
/// Experience replay: up to <see cref="Capacity"/> transitions (s, a, r, s′), stored as rows of flat arrays, each with a
/// cost c beside its reward (the discounted poison of <see cref="DqnOptions.PoisonBudget"/>, priced when sampled; 0 without).
/// Until full, each new transition is appended; once full, it replaces one chosen uniformly at random (as
/// ConvNetJS's deepqlearn does), so old and new experiences mix. Batches are drawn uniformly with replacement,
/// or, with priorities on (α &gt; 0), proportionally to p_i = (|δ_i| + 0.01)^α (Schaul et al. 2016), δ_i the
/// experience's last TD error, a new one entering at the largest priority so far; the sampling then comes
/// from a sum tree (each node the sum of its two children, the leaves the priorities), one draw from each of
/// B equal slices of the total.
/// </summary>
internal sealed class ReplayMemory
{
    private readonly float[] _states, _nexts, _rewards, _costs;
    private readonly int[] _actions;
    private readonly int _width;
    private readonly float _alpha;
    private readonly double[]? _tree; // [2·L]: node k has children 2k, 2k + 1; leaf i at L + i
    private readonly int _leaves;
    private double _maxPriority = 1;

    public ReplayMemory(int capacity, int width, float alpha = 0)
    {
        Capacity = capacity;
        _width = width;
        _states = new float[(long)capacity * width <= Array.MaxLength ? capacity * width : throw new ArgumentException($"Replay memory: {capacity} × {width} floats is too large")];
        _nexts = new float[capacity * width];
        _rewards = new float[capacity];
        _costs = new float[capacity];
        _actions = new int[capacity];
        _alpha = alpha;
        if (alpha > 0)
        {
            _leaves = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity);
            _tree = new double[2 * _leaves];
        }
    }

    public int Capacity { get; }
    public int Count { get; private set; }
    public bool Prioritized => _tree is not null;

    public void Add(ReadOnlySpan<float> state, int action, float reward, ReadOnlySpan<float> next, Rng rng, float cost = 0)
    {
        int i = Count < Capacity ? Count++ : rng.NextInt(Capacity);
        state.CopyTo(_states.AsSpan(i * _width, _width));
        next.CopyTo(_nexts.AsSpan(i * _width, _width));
        _actions[i] = action;
        _rewards[i] = reward;
        _costs[i] = cost;
        if (_tree is not null) SetLeaf(i, _maxPriority);
    }

    /// <summary>
    /// Fills B = actions.Length random transitions: states and nexts [B, width], actions [B], rewards [B], and, with
    /// priorities on, their rows [B] and importance weights [B] = (N·P(i))^−β divided by the batch's largest; costs [B] when given.
    /// </summary>
    public void Sample(Rng rng, Span<float> states, Span<float> nexts, Span<int> actions, Span<float> rewards, Span<int> rows = default, Span<float> weights = default, double beta = 1, Span<float> costs = default)
    {
        if (Count == 0) throw new InvalidOperationException("Replay memory: nothing to sample yet");
        int B = actions.Length;
        double total = _tree?[1] ?? 0, maxW = 0;
        for (int b = 0; b < B; b++)
        {
            int i;
            if (_tree is null) i = rng.NextInt(Count);
            else
            {
                i = Find((b + rng.NextDouble()) * total / B);
                rows[b] = i;
                double w = Math.Pow(Count * _tree[_leaves + i] / total, -beta);
                weights[b] = (float)w;
                maxW = Math.Max(maxW, w);
            }
            _states.AsSpan(i * _width, _width).CopyTo(states.Slice(b * _width, _width));
            _nexts.AsSpan(i * _width, _width).CopyTo(nexts.Slice(b * _width, _width));
            actions[b] = _actions[i];
            rewards[b] = _rewards[i];
            if (!costs.IsEmpty) costs[b] = _costs[i];
        }
        if (_tree is not null) for (int b = 0; b < B; b++) weights[b] = (float)(weights[b] / maxW);
    }

    /// <summary>Row <paramref name="row"/>'s new priority from its TD error: (|δ| + 0.01)^α.</summary>
    public void UpdatePriority(int row, float tdError)
    {
        double p = Math.Pow(Math.Abs(tdError) + 0.01, _alpha);
        _maxPriority = Math.Max(_maxPriority, p);
        SetLeaf(row, p);
    }

    private void SetLeaf(int i, double p)
    {
        int k = _leaves + i;
        _tree![k] = p;
        for (k >>= 1; k >= 1; k >>= 1) _tree[k] = _tree[2 * k] + _tree[2 * k + 1];
    }

    // The leaf whose prefix sum interval holds u (clamped to the filled rows, against rounding).
    private int Find(double u)
    {
        int k = 1;
        while (k < _leaves)
        {
            k *= 2;
            if (u >= _tree![k] && _tree[k + 1] > 0) { u -= _tree[k]; k++; }
        }
        return Math.Min(k - _leaves, Count - 1);
    }
}
