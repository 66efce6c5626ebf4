using System.Numerics.Tensors;
using Theta.Kernels;

namespace Theta.Optim;

/// <summary>
/// Moves parameters against their gradients: <see cref="Step"/> reads each parameter's
/// <see cref="Tensor.Grad"/> g and updates <see cref="Tensor.Data"/> in place, under NoGrad
/// (parameters whose gradient is null are skipped). Subclasses write only the update rule.
/// <para>Minimising the negative log-likelihood −ℓ(θ) by descent, θ ← θ − η·∇(−ℓ), is the same
/// as gradient ascent on the log-likelihood, θ ← θ + η·∇ℓ.</para>
/// <para>Everything a step depends on is in <see cref="State"/> (named buffers <c>"{index}.{name}"</c>,
/// index into <see cref="Parameters"/>), <see cref="StepCount"/> and <see cref="LearningRate"/>:
/// <see cref="GetState"/> / <see cref="SetState"/> resume bit-identically.</para>
/// </summary>
public abstract class Optimizer
{
    private readonly Tensor[] _params;
    private readonly Dictionary<string, float[]> _state = [];
    private readonly float[][][] _buffers;   // [k][i]: the rule's k-th buffer of parameter i
    private readonly List<(int Index, int Offset, int Length)> _pieces = [];
    private readonly Action<int, int> _runPieces;
    [ThreadStatic] private static float[]? t_scratch;   // the decayed gradient and two scratch vectors of one piece
    private readonly float _l2, _l1;
    private float _lr;

    /// <param name="state">The names of the rule's buffers, one of each per parameter, zero at first (<c>"{index}.{name}"</c> in
    /// <see cref="State"/>); the rule reads the k-th on a piece as <see cref="Piece.State"/>(k).</param>
    /// <param name="coupledWeightDecay">False when the subclass applies <see cref="OptimizerOptions.WeightDecay"/> itself (AdamW).</param>
    protected Optimizer(IEnumerable<Tensor> parameters, OptimizerOptions options, string[]? state = null, bool coupledWeightDecay = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        _params = [.. parameters];
        if (_params.Length == 0) throw new ArgumentException($"{GetType().Name}: no parameters to optimise", nameof(parameters));
        _runPieces = RunPieces;
        _lr = options.LearningRate;
        _l2 = coupledWeightDecay ? options.WeightDecay : 0f;
        _l1 = options.L1Decay;
        _buffers = [.. (state ?? []).Select(name => _params.Select((p, i) => _state[$"{i}.{name}"] = new float[p.Size]).ToArray())];
    }

    /// <summary>The parameters, in the order given.</summary>
    public IReadOnlyList<Tensor> Parameters => _params;

    /// <summary>The step size η used by the next <see cref="Step"/>; a schedule may set it between steps. Must be positive.</summary>
    public float LearningRate
    {
        get => _lr;
        set => _lr = Check.Positive(value, GetType().Name, nameof(LearningRate));
    }

    /// <summary>Steps taken so far (t in the formulas is this count during the step, starting at 1).</summary>
    public long StepCount { get; private set; }

    /// <summary>The per-parameter buffers by name, e.g. <c>"0.m"</c>, <c>"0.v"</c> for Adam's moments of parameter 0. Live arrays.</summary>
    public IReadOnlyDictionary<string, float[]> State => _state;

    /// <summary>
    /// Elements of one parameter updated together (<see cref="Piece"/>): θ, g, the rule's state and scratch for
    /// one piece stay in L1/L2 across the rule's several passes (Adam makes eight), where a whole 100,000-weight
    /// matrix would stream from L3 on each. A parameter of n elements is cut at multiples of PieceLength, the
    /// last piece taking the remainder (so every piece but a short parameter's only one has at least PieceLength
    /// elements); the cuts depend on n alone, so results do not depend on the thread count.
    /// </summary>
    public const int PieceLength = 2048;

    /// <summary>Applies one update to every parameter that has a gradient, pieces in parallel when there are enough.</summary>
    public void Step()
    {
        using var _ = Autograd.NoGrad();
        StepCount++;
        _pieces.Clear();
        for (int i = 0; i < _params.Length; i++)
        {
            if (_params[i].Grad is null) continue;
            int n = _params[i].Size, count = Math.Max(1, n / PieceLength);
            for (int k = 0; k < count; k++)
                _pieces.Add((i, k * PieceLength, k == count - 1 ? n - k * PieceLength : PieceLength));
        }
        Chunks.ForRange(_pieces.Count, 3L * PieceLength, _runPieces);
    }

    private void RunPieces(int from, int to)
    {
        var scratch = t_scratch ??= new float[3 * 2 * PieceLength];
        for (int k = from; k < to; k++)
        {
            var (i, offset, length) = _pieces[k];
            var p = _params[i];
            Span<float> theta = p.Data.Slice(offset, length);
            ReadOnlySpan<float> g = p.Grad!.Data.Slice(offset, length);
            if (_l2 != 0f || _l1 != 0f) g = Decayed(theta, g, scratch.AsSpan(0, length));
            Update(new Piece(i, offset, theta, g, scratch.AsSpan(2 * PieceLength, length), scratch.AsSpan(4 * PieceLength, length), _buffers));
        }
    }

    // g + λ₂·θ + λ₁·sign(θ): the gradients of the L2 and L1 penalties ½λ₂‖θ‖² and λ₁‖θ‖₁, into d.
    private ReadOnlySpan<float> Decayed(ReadOnlySpan<float> theta, ReadOnlySpan<float> g, Span<float> d)
    {
        g.CopyTo(d);
        if (_l2 != 0f) TensorPrimitives.MultiplyAdd(theta, _l2, d, d);
        if (_l1 != 0f)
            for (int j = 0; j < d.Length; j++) d[j] += _l1 * MathF.Sign(theta[j]);
        return d;
    }

    /// <summary>
    /// The update rule on one piece of parameter <see cref="Piece.Index"/>: change <see cref="Piece.Theta"/> in
    /// place given <see cref="Piece.G"/> (decay already added). Pieces of one step may run on different
    /// threads at once: touch only this piece's slices (<see cref="Piece.State"/>) and scratch.
    /// </summary>
    protected abstract void Update(Piece p);

    /// <summary>
    /// Elements [Offset, Offset + Theta.Length) of parameter Index: its values θ and gradient g there, and two
    /// scratch vectors of the same length (not preserved between calls).
    /// </summary>
    protected readonly ref struct Piece
    {
        private readonly float[][][] _buffers;

        internal Piece(int index, int offset, Span<float> theta, ReadOnlySpan<float> g, Span<float> temp, Span<float> temp2, float[][][] buffers)
        {
            (Index, Offset, _buffers) = (index, offset, buffers);
            Theta = theta;
            G = g;
            Temp = temp;
            Temp2 = temp2;
        }

        public int Index { get; }
        public int Offset { get; }
        public Span<float> Theta { get; }
        public ReadOnlySpan<float> G { get; }
        public Span<float> Temp { get; }
        public Span<float> Temp2 { get; }

        /// <summary>This piece's slice of the rule's k-th buffer (the constructor's <c>state</c> names them).</summary>
        public Span<float> State(int k) => _buffers[k][Index].AsSpan(Offset, Theta.Length);
    }

    /// <summary>Clears every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var p in _params) p.ZeroGrad();
    }

    /// <summary>A deep copy of everything the next step depends on.</summary>
    public OptimizerState GetState()
        => new(StepCount, LearningRate, _state.ToDictionary(kv => kv.Key, kv => (float[])kv.Value.Clone()));

    /// <summary>Restores a state taken by <see cref="GetState"/> from an optimizer of the same kind over parameters of the same sizes.</summary>
    public void SetState(OptimizerState state)
    {
        if (state.Buffers.Count != _state.Count)
            throw new ArgumentException($"{GetType().Name}.SetState: {state.Buffers.Count} buffers given, {_state.Count} expected");
        foreach (var (name, buf) in _state)
        {
            if (!state.Buffers.TryGetValue(name, out var src))
                throw new ArgumentException($"{GetType().Name}.SetState: buffer '{name}' is missing");
            if (src.Length != buf.Length)
                throw new ArgumentException($"{GetType().Name}.SetState: buffer '{name}' has {src.Length} values, {buf.Length} expected");
        }
        foreach (var (name, buf) in _state) state.Buffers[name].CopyTo(buf, 0);
        StepCount = state.StepCount;
        LearningRate = state.LearningRate;
    }
}

/// <summary>An optimizer whose rule reads its settings, <see cref="Options"/>, from a <typeparamref name="TOptions"/> record.</summary>
public abstract class Optimizer<TOptions>(IEnumerable<Tensor> parameters, TOptions options, string[]? state = null, bool coupledWeightDecay = true)
    : Optimizer(parameters, options, state, coupledWeightDecay) where TOptions : OptimizerOptions
{
    /// <summary>The settings given (the learning rate in use is <see cref="Optimizer.LearningRate"/>, which a schedule may change).</summary>
    protected TOptions Options { get; } = options;
}

/// <summary>A snapshot of an optimizer: step count, learning rate, and its named buffers.</summary>
public sealed record OptimizerState(long StepCount, float LearningRate, IReadOnlyDictionary<string, float[]> Buffers);
