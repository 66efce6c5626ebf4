using Theta.Nn;

namespace Theta.Rl;

/// <summary>
/// Several Q-networks acting as one: Q(s, ·) = (1/K)·Σ_k Q_k(s, ·), folded into a single plain
/// <c>Linear (ReLU Linear)*</c> network, so a brain file, <c>theta critter eval</c>, the web page and ONNX export take an
/// ensemble as they take one network.
/// <para>Members k = 1..K of the same depth, layer l with W_l^k [n_l^k, n_{l−1}^k] and b_l^k. The folded network stacks
/// them: the first layer's weights one under the other ([Σ_k n_1^k, inputs], every member reads the same input), each
/// hidden layer block-diagonal (member k's units see only member k's units below), and the last layer side by side and
/// divided by K ([actions, Σ_k n^k], bias the mean of the members'). A ReLU acts unit by unit, so each block computes
/// exactly its member's activations and the last layer sums their Q-values over K: the folded Q is the mean, up to the
/// order of float additions.</para>
/// NOTE: the zeros off the diagonal cost K times the multiplications of the members one by one in the hidden layers
/// (an ensemble of four 50-unit members: a 200 × 200 product where four 50 × 50 would do); acting is one row a tick,
/// far from the time that learning takes, so one plain network is worth it.
/// </summary>
public static class QEnsemble
{
    /// <summary>The mean of <paramref name="members"/>' Q-values as one network (a copy: the members are not shared).</summary>
    public static Sequential Fold(IReadOnlyList<Sequential> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count == 0) throw new ArgumentException("QEnsemble.Fold: no members");
        var layers = members.Select(DqnAgent.Layers).ToArray();
        int depth = layers[0].Length, inputs = layers[0][0].InFeatures, outputs = layers[0][^1].OutFeatures;
        for (int k = 1; k < layers.Length; k++)
            if (layers[k].Length != depth || layers[k][0].InFeatures != inputs || layers[k][^1].OutFeatures != outputs)
                throw new ArgumentException($"QEnsemble.Fold: member {k} is {Describe(layers[k])}, member 0 is {Describe(layers[0])}; members need the same depth, inputs and outputs");
        float scale = 1f / members.Count;
        var folded = new List<Module>();
        var rng = new Rng(0); // every weight is overwritten below
        for (int l = 0; l < depth; l++)
        {
            bool first = l == 0, last = l == depth - 1;
            int fanIn = first ? inputs : layers.Sum(m => m[l].InFeatures);
            int fanOut = last ? outputs : layers.Sum(m => m[l].OutFeatures);
            var f = new Linear(fanIn, fanOut, rng);
            var w = f.Weight.Data;
            var b = f.Bias!.Data;
            w.Clear();
            b.Clear();
            int row0 = 0, col0 = 0;
            foreach (var m in layers)
            {
                var src = m[l];
                var sw = src.Weight.Data;
                var sb = src.Bias is { } bias ? bias.Data : Span<float>.Empty;
                int rows = src.OutFeatures, cols = src.InFeatures;
                for (int r = 0; r < rows; r++)
                {
                    // row r of member m lands at row (last ? r : row0 + r), columns from (first ? 0 : col0)
                    int dstRow = last ? r : row0 + r, dstCol = first ? 0 : col0;
                    var from = sw.Slice(r * cols, cols);
                    var to = w.Slice(dstRow * fanIn + dstCol, cols);
                    if (last) for (int c = 0; c < cols; c++) to[c] = scale * from[c];
                    else from.CopyTo(to);
                    if (!sb.IsEmpty) b[dstRow] += last ? scale * sb[r] : sb[r];
                }
                row0 += rows;
                col0 += cols;
            }
            folded.Add(f);
            if (!last) folded.Add(new ReLU());
        }
        return new Sequential([.. folded]);
    }

    private static string Describe(Linear[] layers) => $"{layers[0].InFeatures} → {string.Join(" → ", layers.Select(l => l.OutFeatures))}";
}
