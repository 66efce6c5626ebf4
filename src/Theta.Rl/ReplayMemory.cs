namespace Theta.Rl;

/// <summary>
/// Experience replay: up to <see cref="Capacity"/> transitions (s, a, r, s′), stored as rows of flat arrays.
/// Until full, each new transition is appended; once full, it replaces one chosen uniformly at random (as
/// ConvNetJS's deepqlearn does), so old and new experiences mix. Batches are drawn uniformly with replacement.
/// </summary>
internal sealed class ReplayMemory
{
    private readonly float[] _states, _nexts, _rewards;
    private readonly int[] _actions;
    private readonly int _width;

    public ReplayMemory(int capacity, int width)
    {
        Capacity = capacity;
        _width = width;
        _states = new float[(long)capacity * width <= Array.MaxLength ? capacity * width : throw new ArgumentException($"Replay memory: {capacity} × {width} floats is too large")];
        _nexts = new float[capacity * width];
        _rewards = new float[capacity];
        _actions = new int[capacity];
    }

    public int Capacity { get; }
    public int Count { get; private set; }

    public void Add(ReadOnlySpan<float> state, int action, float reward, ReadOnlySpan<float> next, Rng rng)
    {
        int i = Count < Capacity ? Count++ : rng.NextInt(Capacity);
        state.CopyTo(_states.AsSpan(i * _width, _width));
        next.CopyTo(_nexts.AsSpan(i * _width, _width));
        _actions[i] = action;
        _rewards[i] = reward;
    }

    /// <summary>Fills B = actions.Length random transitions: states and nexts [B, width], actions [B], rewards [B].</summary>
    public void Sample(Rng rng, Span<float> states, Span<float> nexts, Span<int> actions, Span<float> rewards)
    {
        if (Count == 0) throw new InvalidOperationException("Replay memory: nothing to sample yet");
        for (int b = 0; b < actions.Length; b++)
        {
            int i = rng.NextInt(Count);
            _states.AsSpan(i * _width, _width).CopyTo(states.Slice(b * _width, _width));
            _nexts.AsSpan(i * _width, _width).CopyTo(nexts.Slice(b * _width, _width));
            actions[b] = _actions[i];
            rewards[b] = _rewards[i];
        }
    }
}
