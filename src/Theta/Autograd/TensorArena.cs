namespace Theta;

/// <summary>
/// Reuses the memory of a training step's temporaries: while a <see cref="Use"/> scope is open on a
/// thread, the ops' outputs, the intermediate gradients and the buffers ops save for backward (the
/// conv column buffer, the max-pool argmax, the log-probabilities) come from this arena, and all of
/// them go back to it when the scope ends, to be handed out again by the next step of the same shapes:
/// <code>
/// var arena = new TensorArena();
/// for (...) { using (arena.Use()) { opt.ZeroGrad(); var loss = ...; loss.Backward(); opt.Step(); lossValue = loss.Item(); } }
/// </code>
/// Every tensor made by an op inside the scope (the loss and the logits included) is invalid after it:
/// read what you need (<see cref="Tensor.Item"/>, <see cref="Tensor.ToArray"/>) before the scope ends.
/// Parameters, their gradients, and tensors made by the creation functions (<see cref="Tensor.Zeros"/>, …)
/// never come from the arena.
/// NOTE: why an arena. A step of the MNIST CNN makes about 25 MB of temporaries, mostly arrays over
/// .NET's 85 KB large-object threshold: each fresh one is zeroed, page-faulted in, and they trigger
/// gen-2 collections. Measured on the peers' benchmark (2-core Zen 5, 1 thread): see docs/benchmarks.md.
/// Buffers are kept per exact length, so a loop over equal shapes reaches a steady state with no allocation.
/// An arena belongs to one thread at a time.
/// </summary>
public sealed class TensorArena
{
    [ThreadStatic] private static TensorArena? _current;

    private readonly Dictionary<int, Stack<float[]>> _freeFloats = [];
    private readonly Dictionary<int, Stack<int[]>> _freeInts = [];
    private readonly List<float[]> _usedFloats = [];
    private readonly List<int[]> _usedInts = [];
    private TensorArena? _outer;
    private bool _open;

    /// <summary>Opens a scope on this thread: temporaries come from this arena until it is disposed.</summary>
    public Scope Use()
    {
        if (_open) throw new InvalidOperationException("TensorArena.Use: this arena already has an open scope");
        _open = true;
        _outer = _current;
        _current = this;
        return new Scope(this);
    }

    /// <summary>Bytes held by the arena (free and in use).</summary>
    public long Bytes { get; private set; }

    /// <summary>Ends a <see cref="Use"/> scope when disposed: every buffer handed out in it returns to the arena.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly TensorArena _arena;
        internal Scope(TensorArena arena) => _arena = arena;
        public void Dispose() => _arena?.Close();
    }

    private void Close()
    {
        if (!_open) return;
        foreach (var a in _usedFloats) Free(_freeFloats, a);
        foreach (var a in _usedInts) Free(_freeInts, a);
        _usedFloats.Clear();
        _usedInts.Clear();
        _current = _outer;
        _outer = null;
        _open = false;
    }

    private static void Free<T>(Dictionary<int, Stack<T[]>> free, T[] a)
    {
        if (!free.TryGetValue(a.Length, out var s)) free[a.Length] = s = new Stack<T[]>();
        s.Push(a);
    }

    /// <summary>A float buffer of exactly n elements: from the open arena (zeroed only when <paramref name="clear"/>), else a fresh zeroed array.</summary>
    internal static float[] Floats(int n, bool clear = true)
    {
        var arena = _current;
        if (arena is null || n < MinPooled) return new float[n];
        var a = Take(arena._freeFloats, n, arena);
        if (clear) Array.Clear(a);
        arena._usedFloats.Add(a);
        return a;
    }

    /// <summary>An int buffer of exactly n elements (contents undefined when from the arena).</summary>
    internal static int[] Ints(int n)
    {
        var arena = _current;
        if (arena is null || n < MinPooled) return new int[n];
        var a = Take(arena._freeInts, n, arena);
        arena._usedInts.Add(a);
        return a;
    }

    // Small buffers are cheap for the gen-0 allocator; only the ones worth keeping are pooled.
    private const int MinPooled = 256;

    private static T[] Take<T>(Dictionary<int, Stack<T[]>> free, int n, TensorArena arena)
    {
        if (free.TryGetValue(n, out var s) && s.Count > 0) return s.Pop();
        arena.Bytes += (long)n * 4;
        return new T[n];
    }
}
