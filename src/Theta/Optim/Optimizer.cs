using System.Numerics.Tensors;

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
    private readonly float[] _grad, _temp, _temp2; // the decayed gradient and two scratch vectors, sized for the largest parameter
    private readonly float _l2, _l1;
    private float _lr;

    /// <param name="coupledWeightDecay">False when the subclass applies <see cref="OptimizerOptions.WeightDecay"/> itself (AdamW).</param>
    protected Optimizer(IEnumerable<Tensor> parameters, OptimizerOptions options, bool coupledWeightDecay = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        _params = [.. parameters];
        if (_params.Length == 0) throw new ArgumentException($"{GetType().Name}: no parameters to optimise", nameof(parameters));
        int max = _params.Max(p => p.Size);
        _grad = new float[max];
        _temp = new float[max];
        _temp2 = new float[max];
        _lr = options.LearningRate;
        _l2 = coupledWeightDecay ? options.WeightDecay : 0f;
        _l1 = options.L1Decay;
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

    /// <summary>Creates a zero buffer named <c>"{index}.{name}"</c> the size of parameter <paramref name="index"/>; call from the constructor.</summary>
    protected float[] AddState(int index, string name)
    {
        var buf = new float[_params[index].Size];
        _state.Add($"{index}.{name}", buf);
        return buf;
    }

    /// <summary>Creates buffer <paramref name="name"/> for every parameter.</summary>
    protected float[][] AddStateForAll(string name) => [.. Enumerable.Range(0, _params.Length).Select(i => AddState(i, name))];

    /// <summary>A scratch vector of length <paramref name="n"/> (not preserved between calls).</summary>
    protected Span<float> Temp(int n) => _temp.AsSpan(0, n);

    /// <summary>A second scratch vector, distinct from <see cref="Temp"/>.</summary>
    protected Span<float> Temp2(int n) => _temp2.AsSpan(0, n);

    /// <summary>Applies one update to every parameter that has a gradient.</summary>
    public void Step()
    {
        using var _ = Autograd.NoGrad();
        StepCount++;
        for (int i = 0; i < _params.Length; i++)
        {
            var p = _params[i];
            if (p.Grad is null) continue;
            ReadOnlySpan<float> g = p.Grad.Data;
            if (_l2 != 0f || _l1 != 0f) g = Decayed(p.Data, g);
            Update(i, p.Data, g);
        }
    }

    // g + λ₂·θ + λ₁·sign(θ): the gradients of the L2 and L1 penalties ½λ₂‖θ‖² and λ₁‖θ‖₁.
    private ReadOnlySpan<float> Decayed(ReadOnlySpan<float> theta, ReadOnlySpan<float> g)
    {
        var d = _grad.AsSpan(0, g.Length);
        g.CopyTo(d);
        if (_l2 != 0f) TensorPrimitives.MultiplyAdd(theta, _l2, d, d);
        if (_l1 != 0f)
            for (int j = 0; j < d.Length; j++) d[j] += _l1 * MathF.Sign(theta[j]);
        return d;
    }

    /// <summary>The update rule for parameter <paramref name="index"/>: change <paramref name="theta"/> in place given gradient <paramref name="g"/> (decay already added).</summary>
    protected abstract void Update(int index, Span<float> theta, ReadOnlySpan<float> g);

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

/// <summary>A snapshot of an optimizer: step count, learning rate, and its named buffers.</summary>
public sealed record OptimizerState(long StepCount, float LearningRate, IReadOnlyDictionary<string, float[]> Buffers);
