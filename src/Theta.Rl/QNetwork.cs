using System.Numerics.Tensors;
using Theta.Kernels;
using Theta.Nn;

namespace Theta.Rl;

/// <summary>
/// The critter's Q-network as a span kernel: forward and backward of a Theta <see cref="Sequential"/> of
/// <c>Linear (ReLU Linear)*</c> over a batch, reading and writing the layers' own weight and gradient
/// tensors, with every buffer allocated once.
/// <para>Shapes (B = batch, n_l = width of layer l): x [B, n_0]; layer l: z_l = a_{l−1}·W_lᵀ + b_l with
/// W_l [n_l, n_{l−1}], b_l [n_l]; a_l = relu(z_l) except the last, whose z is Q [B, actions].
/// Backward from dQ [B, actions]: dW_l += dz_lᵀ·a_{l−1}, db_l += Σ_rows dz_l, da_{l−1} = dz_l·W_l,
/// dz_{l−1} = da_{l−1}·[a_{l−1} &gt; 0].</para>
/// <para>Dueling (Wang et al. 2016), when asked: the last layer gives A + 1 values per row, the state's value V and
/// the advantages A_a, and Q_a = V + A_a − (1/A)·Σ_j A_j. Backward: dV = Σ_a dQ_a, dA_j = dQ_j − (1/A)·Σ_a dQ_a.
/// Q is linear in the last layer's weights, so the same Q comes from one plain Linear (<see cref="FoldDueling"/>).</para>
/// NOTE: why not the autograd graph. A learning step is three tiny matrix products a layer on 64 rows, so the graph's
/// bookkeeping (nodes, closures, gradient tensors) is a visible share of it. Measured on this 2-core machine (median of
/// 7 × 3,000 steps of the reference network): 53 µs a step here, 58 µs through autograd inside a
/// <see cref="TensorArena"/> scope (docs/benchmarks.md). The gain is small; the kernel is kept because it makes the
/// per-tick work allocation-free and gives the acting forward (one row) and the page its activations without a graph.
/// <c>QNetworkTests</c> checks it against autograd on the same <see cref="Sequential"/>.
/// </summary>
internal sealed class QNetwork
{
    private readonly Linear[] _layers;
    private readonly float[][] _acts;  // per layer l, its output for up to MaxBatch rows: [MaxBatch, n_l]
    private readonly float[] _dA, _dB;  // ping-pong gradient buffers [MaxBatch, max n]
    private readonly float[]? _dueling; // Q [MaxBatch, actions] of a dueling head; null for a plain one
    private ReadOnlyMemory<float> _input;
    private int _rows;

    public QNetwork(Sequential network, int maxBatch, bool dueling = false)
    {
        _layers = Layers(network);
        MaxBatch = maxBatch;
        if (dueling)
        {
            if (_layers[^1].OutFeatures < 2) throw new ArgumentException("Q-network: a dueling head needs V and at least one advantage");
            _dueling = new float[maxBatch * (_layers[^1].OutFeatures - 1)];
        }
        _acts = [.. _layers.Select(l => new float[maxBatch * l.OutFeatures])];
        int widest = _layers.Max(l => Math.Max(l.InFeatures, l.OutFeatures)) + 1;
        _dA = new float[maxBatch * widest];
        _dB = new float[maxBatch * widest];
        foreach (var l in _layers)
        {
            l.Weight.Grad ??= Tensor.ZerosLike(l.Weight);
            if (l.Bias is { } b) b.Grad ??= Tensor.ZerosLike(b);
        }
    }

    /// <summary>The Linear layers of a <c>Linear (ReLU Linear)*</c> network; anything else is an <see cref="ArgumentException"/>.</summary>
    public static Linear[] Layers(Sequential network)
    {
        var linears = new List<Linear>();
        for (int i = 0; i < network.Count; i++)
        {
            bool wantLinear = i % 2 == 0;
            if (wantLinear && network[i] is Linear l)
            {
                if (linears.Count > 0 && linears[^1].OutFeatures != l.InFeatures)
                    throw new ArgumentException($"Q-network: layer {i} takes {l.InFeatures} inputs but the layer before gives {linears[^1].OutFeatures}");
                linears.Add(l);
            }
            else if (wantLinear || network[i] is not ReLU)
                throw new ArgumentException($"Q-network: layer {i} is a {network[i].TypeName}; the critter's network alternates Linear and ReLU layers, ending in a Linear");
        }
        if (network.Count % 2 == 0) throw new ArgumentException("Q-network: the last layer must be a Linear (the Q-values)");
        return [.. linears];
    }

    public int MaxBatch { get; }
    public int Inputs => _layers[0].InFeatures;
    public int Outputs => _layers[^1].OutFeatures - (_dueling is null ? 0 : 1);
    public IReadOnlyList<Linear> Linears => _layers;

    /// <summary>Layer <paramref name="l"/>'s outputs (after ReLU; the last is Q, or [V, A] of a dueling head) for the rows of the last forward.</summary>
    public ReadOnlySpan<float> Activations(int l) => _acts[l].AsSpan(0, _rows * _layers[l].OutFeatures);

    /// <summary>Q [B, actions] for x [B, inputs], B = x.Length / inputs; keeps what backward needs. The result lives until the next call.</summary>
    public ReadOnlySpan<float> Forward(ReadOnlyMemory<float> x)
    {
        int B = x.Length / Inputs;
        if (B * Inputs != x.Length || B < 1 || B > MaxBatch) throw new ArgumentException($"Q-network: {x.Length} inputs are not 1..{MaxBatch} rows of {Inputs}");
        _input = x;
        _rows = B;
        ReadOnlySpan<float> a = x.Span;
        for (int l = 0; l < _layers.Length; l++)
        {
            var L = _layers[l];
            int n = L.OutFeatures, k = L.InFeatures;
            var z = _acts[l].AsSpan(0, B * n);
            if (L.Bias is { } bias) for (int r = 0; r < B; r++) bias.Data.CopyTo(z.Slice(r * n, n));
            else z.Clear();
            Gemm.Sgemm(false, true, B, n, k, 1f, a, k, L.Weight.Data, k, 1f, z, n, threads: 1);
            if (l < _layers.Length - 1) TensorPrimitives.Max(z, 0f, z);
            a = z;
        }
        if (_dueling is null) return a;
        int A = Outputs;
        var q = _dueling.AsSpan(0, B * A);
        for (int r = 0; r < B; r++)
        {
            var va = a.Slice(r * (A + 1), A + 1);
            float shift = va[0] - TensorPrimitives.Sum(va[1..]) / A; // V − mean A
            TensorPrimitives.Add(va[1..], shift, q.Slice(r * A, A));
        }
        return q;
    }

    /// <summary>Sets every parameter's gradient to 0.</summary>
    public void ZeroGrad()
    {
        foreach (var l in _layers)
        {
            l.Weight.Grad!.Data.Clear();
            l.Bias?.Grad!.Data.Clear();
        }
    }

    /// <summary>Adds dL/dθ into every parameter's <see cref="Tensor.Grad"/> for dQ [B, actions] = dL/dQ of the last forward.</summary>
    public void Backward(ReadOnlySpan<float> dQ)
    {
        int B = _rows;
        if (dQ.Length != B * Outputs) throw new ArgumentException($"Q-network: dQ has {dQ.Length} values for {B} rows of {Outputs}");
        Span<float> dz;
        if (_dueling is null)
        {
            dz = _dA.AsSpan(0, dQ.Length);
            dQ.CopyTo(dz);
        }
        else
        {
            int A = Outputs;
            dz = _dA.AsSpan(0, B * (A + 1));
            for (int r = 0; r < B; r++)
            {
                var dq = dQ.Slice(r * A, A);
                var dva = dz.Slice(r * (A + 1), A + 1);
                float sum = TensorPrimitives.Sum(dq);
                dva[0] = sum;                                   // dV = Σ dQ
                TensorPrimitives.Add(dq, -sum / A, dva[1..]);   // dA_j = dQ_j − mean dQ
            }
        }
        bool inA = true; // dz lives in _dA; da goes to the other buffer
        for (int l = _layers.Length - 1; l >= 0; l--)
        {
            var L = _layers[l];
            int n = L.OutFeatures, k = L.InFeatures;
            ReadOnlySpan<float> aPrev = l == 0 ? _input.Span : _acts[l - 1].AsSpan(0, B * k);
            Gemm.Sgemm(true, false, n, k, B, 1f, dz, n, aPrev, k, 1f, L.Weight.Grad!.Data, k, threads: 1); // dW += dzᵀ·a
            if (L.Bias is { } bias)
            {
                var db = bias.Grad!.Data;
                for (int r = 0; r < B; r++) TensorPrimitives.Add(db, dz.Slice(r * n, n), db);
            }
            if (l == 0) break;
            var buf = (inA ? _dB : _dA).AsSpan(0, B * k);
            inA = !inA;
            Gemm.Sgemm(false, false, B, k, n, 1f, dz, n, L.Weight.Data, k, 0f, buf, k, threads: 1); // da = dz·W
            var a = _acts[l - 1].AsSpan(0, B * k);
            for (int i = 0; i < buf.Length; i++) if (a[i] <= 0) buf[i] = 0; // relu: dz = da·[a > 0]
            dz = buf;
        }
    }

    /// <summary>
    /// The plain Linear weights of a dueling head: W_q [A, k] with W_q[a] = W[0] + W[1 + a] − (1/A)·Σ_j W[1 + j] from
    /// the head's W [A + 1, k] (rows V, then the advantages), and the same for the biases, written into <paramref name="q"/>.
    /// </summary>
    public static void FoldDueling(Linear head, Linear q)
    {
        int A = q.OutFeatures, k = q.InFeatures;
        if (head.OutFeatures != A + 1 || head.InFeatures != k) throw new ArgumentException($"Q-network: a dueling head of {head.OutFeatures}×{head.InFeatures} does not fold into {A}×{k}");
        Fold(head.Weight.Data, q.Weight.Data, A, k);
        if (q.Bias is { } qb) Fold(head.Bias!.Data, qb.Data, A, 1);

        static void Fold(ReadOnlySpan<float> va, Span<float> dst, int A, int k)
        {
            var shift = dst[..k];  // V − mean A, built in row 0 of dst, then added to every advantage row
            va[..k].CopyTo(shift);
            for (int j = 0; j < A; j++) TensorPrimitives.MultiplyAdd(va.Slice((1 + j) * k, k), -1f / A, shift, shift);
            for (int a = A - 1; a >= 0; a--) TensorPrimitives.Add(va.Slice((1 + a) * k, k), shift, dst.Slice(a * k, k));
        }
    }

    /// <summary>
    /// A dueling head whose Q equals that of the plain Linear <paramref name="q"/>: V = the mean row, A_a = row a − the mean
    /// (so Σ A = 0 and <see cref="FoldDueling"/> gives <paramref name="q"/> back).
    /// </summary>
    public static Linear UnfoldDueling(Linear q)
    {
        var head = new Linear(q.InFeatures, q.OutFeatures + 1, new Rng(0), bias: q.Bias is not null); // every value is overwritten
        UnfoldDueling(q, head);
        return head;
    }

    /// <summary>As above, into an existing head of [A + 1, k] (the inverse of <see cref="FoldDueling"/>).</summary>
    public static void UnfoldDueling(Linear q, Linear head)
    {
        int A = q.OutFeatures, k = q.InFeatures;
        if (head.OutFeatures != A + 1 || head.InFeatures != k) throw new ArgumentException($"Q-network: a {A}×{k} layer does not unfold into a dueling head of {head.OutFeatures}×{head.InFeatures}");
        Unfold(q.Weight.Data, head.Weight.Data, A, k);
        if (q.Bias is { } qb) Unfold(qb.Data, head.Bias!.Data, A, 1);

        static void Unfold(ReadOnlySpan<float> w, Span<float> va, int A, int k)
        {
            var mean = va[..k];
            mean.Clear();
            for (int a = 0; a < A; a++) TensorPrimitives.MultiplyAdd(w.Slice(a * k, k), 1f / A, mean, mean);
            for (int a = 0; a < A; a++) TensorPrimitives.Subtract(w.Slice(a * k, k), mean, va.Slice((1 + a) * k, k));
        }
    }

    /// <summary>Copies every parameter of <paramref name="from"/> (a network of the same shape) into this one.</summary>
    public void CopyFrom(QNetwork from)
    {
        for (int l = 0; l < _layers.Length; l++)
        {
            from._layers[l].Weight.Data.CopyTo(_layers[l].Weight.Data);
            if (_layers[l].Bias is { } b) from._layers[l].Bias!.Data.CopyTo(b.Data);
        }
    }
}
