using System.Numerics.Tensors;
using Theta.Nn;

namespace Theta.Rl;

/// <summary>
/// The dueling head (Wang et al. 2016) as a module built from ops: a <see cref="Nn.Linear"/> of A + 1 outputs per row,
/// the state's value V and the advantages A_a, then Q_a = V + A_a − (1/A)·Σ_j A_j. Autograd supplies the backward,
/// dV = Σ_a dQ_a and dA_j = dQ_j − (1/A)·Σ_a dQ_a.
/// <para>Q is linear in the head's weights, so the same Q comes from one plain Linear (<see cref="Fold"/>): the network
/// that acts, is saved and is shown stays a plain Linear–ReLU stack, and only learning runs through this head.</para>
/// NOTE: the order of the float operations is fixed on purpose, shift = V − (Σ_j A_j)/A, then A_a + shift: the same
/// arithmetic as the span kernel this replaced, so seeded trainings keep their weights to the bit (SeededTrajectoryTests).
/// </summary>
public sealed class DuelingHead : Module
{
    /// <summary>A head over <paramref name="linear"/> [A + 1, k] (row 0 the value, then one advantage per action).</summary>
    public DuelingHead(Linear linear)
    {
        ArgumentNullException.ThrowIfNull(linear);
        if (linear.OutFeatures < 2) throw new ArgumentException("DuelingHead: a dueling head needs V and at least one advantage");
        Linear = RegisterModule("linear", linear);
    }

    /// <summary>The layer giving [V, A_1, …, A_A] per row.</summary>
    public Linear Linear { get; }

    /// <summary>The number of actions A (the Linear's outputs less the value).</summary>
    public int Actions => Linear.OutFeatures - 1;

    /// <summary>Q [B, A] for x [B, k].</summary>
    public override Tensor Forward(Tensor x)
    {
        var va = Linear.Forward(x);
        var v = va.Narrow(-1, 0, 1);
        var a = va.Narrow(-1, 1, Actions);
        var shift = v - a.Sum(-1, keepDim: true) / Actions; // V − mean A, [B, 1]
        return a + shift;
    }

    /// <summary>
    /// The plain Linear weights of a dueling head: W_q [A, k] with W_q[a] = W[0] + W[1 + a] − (1/A)·Σ_j W[1 + j] from
    /// the head's W [A + 1, k] (rows V, then the advantages), and the same for the biases, written into <paramref name="q"/>.
    /// </summary>
    public static void Fold(Linear head, Linear q)
    {
        int A = q.OutFeatures, k = q.InFeatures;
        if (head.OutFeatures != A + 1 || head.InFeatures != k) throw new ArgumentException($"DuelingHead: a dueling head of {head.OutFeatures}×{head.InFeatures} does not fold into {A}×{k}");
        FoldRows(head.Weight.Data, q.Weight.Data, A, k);
        if (q.Bias is { } qb) FoldRows(head.Bias!.Data, qb.Data, A, 1);

        static void FoldRows(ReadOnlySpan<float> va, Span<float> dst, int A, int k)
        {
            var shift = dst[..k];  // V − mean A, built in row 0 of dst, then added to every advantage row
            va[..k].CopyTo(shift);
            for (int j = 0; j < A; j++) TensorPrimitives.MultiplyAdd(va.Slice((1 + j) * k, k), -1f / A, shift, shift);
            for (int a = A - 1; a >= 0; a--) TensorPrimitives.Add(va.Slice((1 + a) * k, k), shift, dst.Slice(a * k, k));
        }
    }

    /// <summary>
    /// A dueling head whose Q equals that of the plain Linear <paramref name="q"/>: V = the mean row, A_a = row a − the mean
    /// (so Σ A = 0 and <see cref="Fold"/> gives <paramref name="q"/> back).
    /// </summary>
    public static Linear Unfold(Linear q)
    {
        var head = new Linear(q.InFeatures, q.OutFeatures + 1, new Rng(0), bias: q.Bias is not null); // every value is overwritten
        Unfold(q, head);
        return head;
    }

    /// <summary>As above, into an existing head of [A + 1, k] (the inverse of <see cref="Fold"/>).</summary>
    public static void Unfold(Linear q, Linear head)
    {
        int A = q.OutFeatures, k = q.InFeatures;
        if (head.OutFeatures != A + 1 || head.InFeatures != k) throw new ArgumentException($"DuelingHead: a {A}×{k} layer does not unfold into a dueling head of {head.OutFeatures}×{head.InFeatures}");
        UnfoldRows(q.Weight.Data, head.Weight.Data, A, k);
        if (q.Bias is { } qb) UnfoldRows(qb.Data, head.Bias!.Data, A, 1);

        static void UnfoldRows(ReadOnlySpan<float> w, Span<float> va, int A, int k)
        {
            var mean = va[..k];
            mean.Clear();
            for (int a = 0; a < A; a++) TensorPrimitives.MultiplyAdd(w.Slice(a * k, k), 1f / A, mean, mean);
            for (int a = 0; a < A; a++) TensorPrimitives.Subtract(w.Slice(a * k, k), mean, va.Slice((1 + a) * k, k));
        }
    }
}
