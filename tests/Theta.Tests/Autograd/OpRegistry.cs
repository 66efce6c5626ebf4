namespace Theta.Tests.Autograd;

/// <summary>One gradient-check case: an op, a readable label, how to make its inputs, and the function.</summary>
public sealed record OpCase(string Op, string Label, Func<Rng, Tensor[]> Inputs, Func<Tensor[], Tensor> F)
{
    public string Id => $"{Op}: {Label}";
}

/// <summary>
/// Every differentiable op's gradient-check cases, on awkward shapes: size-1 dimensions, a batch
/// of 1, odd sizes, broadcasting in both directions. <see cref="OpRegistryTests"/> fails when an
/// op marked [Op] has no case here.
/// </summary>
public static partial class OpRegistry
{
    // Input generators. Values are kept where each function is smooth for ε = 1e-2.
    static Func<Rng, Tensor> U(params int[] s) => r => Tensor.Uniform(r, -2f, 2f, s);
    static Func<Rng, Tensor> Pos(params int[] s) => r => Tensor.Uniform(r, 0.5f, 2f, s);
    // |x| ≥ 0.1: away from the kinks of abs, relu and leaky relu.
    static Func<Rng, Tensor> Away(params int[] s) => r =>
    {
        var t = Tensor.Uniform(r, 0.1f, 2f, s);
        var d = t.Data;
        for (int i = 0; i < d.Length; i++) if (r.NextFloat() < 0.5f) d[i] = -d[i];
        return t;
    };
    // Distinct values at least 0.1 apart (a shuffled grid plus small noise): max and max-pool have no ties within ±ε.
    static Func<Rng, Tensor> Distinct(params int[] s) => r =>
    {
        var n = new Shape(s).Size;
        var p = r.Permutation(n);
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (p[i] - n / 2f) * 0.1f + 0.02f * r.NextFloat();
        return Tensor.FromArray(v, s);
    };

    static OpCase C(string op, string label, Func<Tensor[], Tensor> f, params Func<Rng, Tensor>[] inputs)
        => new(op, label, r => inputs.Select(g => g(r)).ToArray(), f);

    public static readonly IReadOnlyList<OpCase> Cases = BuildCases();

    public static OpCase Find(string id) => Cases.Single(c => c.Id == id);

    private static List<OpCase> BuildCases()
    {
        var k = new List<OpCase>
        {
            // ---- elementwise binary, broadcasting both directions
            C("add", "[3,4]+[3,4]", t => t[0] + t[1], U(3, 4), U(3, 4)),
            C("add", "[3,1,5]+[4,1]", t => t[0] + t[1], U(3, 1, 5), U(4, 1)),
            C("add", "[1]+[2,3]", t => t[0] + t[1], U(1), U(2, 3)),
            C("add", "scalar+[2,3]", t => t[0] + t[1], r => Tensor.Scalar(r.NextFloat()), U(2, 3)),
            C("add", "x+x (used twice)", t => t[0] + t[0], U(2, 3)),
            C("sub", "[2,3]-[3]", t => t[0] - t[1], U(2, 3), U(3)),
            C("sub", "[3,1]-[1,4]", t => t[0] - t[1], U(3, 1), U(1, 4)),
            C("mul", "[2,3,5]*[2,3,5]", t => t[0] * t[1], U(2, 3, 5), U(2, 3, 5)),
            C("mul", "[4,1]*[1,5]", t => t[0] * t[1], U(4, 1), U(1, 5)),
            C("mul", "[5]*[2,5]", t => t[0] * t[1], U(5), U(2, 5)),
            C("mul", "x*x", t => t[0] * t[0], U(3, 3)),
            C("div", "[3,4]/[3,4]", t => t[0] / t[1], U(3, 4), Pos(3, 4)),
            C("div", "[2,3]/[2,1]", t => t[0] / t[1], U(2, 3), Pos(2, 1)),
            C("div", "[1,3]/[4,1]", t => t[0] / t[1], U(1, 3), Pos(4, 1)),

            // ---- elementwise unary
            C("neg", "[3,1,5]", t => -t[0], U(3, 1, 5)),
            C("exp", "[7]", t => t[0].Exp(), U(7)),
            C("exp", "[1,1]", t => t[0].Exp(), U(1, 1)),
            C("log", "[3,5]", t => t[0].Log(), Pos(3, 5)),
            C("sqrt", "[2,1,3]", t => t[0].Sqrt(), Pos(2, 1, 3)),
            C("abs", "[9]", t => t[0].Abs(), Away(9)),
            C("pow", "p=3 [2,3]", t => t[0].Pow(3f), U(2, 3)),
            C("pow", "p=-1.5 [5]", t => t[0].Pow(-1.5f), Pos(5)),
            C("pow", "p=0.5 [1]", t => t[0].Pow(0.5f), Pos(1)),
            C("sigmoid", "[3,1,5]", t => t[0].Sigmoid(), U(3, 1, 5)),
            C("tanh", "[7]", t => t[0].Tanh(), U(7)),
            C("relu", "[4,5]", t => t[0].Relu(), Away(4, 5)),
            C("relu", "[1]", t => t[0].Relu(), Away(1)),
            C("leaky_relu", "0.1 [3,7]", t => t[0].LeakyRelu(0.1f), Away(3, 7)),

            // ---- reductions
            C("sum", "all [3,4]", t => t[0].Sum(), U(3, 4)),
            C("sum", "axis 0 [3,4]", t => t[0].Sum(0), U(3, 4)),
            C("sum", "axes 0,2 keepdim [2,3,5]", t => t[0].Sum([0, 2], keepDim: true), U(2, 3, 5)),
            C("sum", "axis -1 [1,5]", t => t[0].Sum(-1), U(1, 5)),
            C("mean", "all [3,5]", t => t[0].Mean(), U(3, 5)),
            C("mean", "axis 1 keepdim [4,3,2]", t => t[0].Mean(1, keepDim: true), U(4, 3, 2)),
            C("mean", "axes 0,1 [2,1,3]", t => t[0].Mean([0, 1]), U(2, 1, 3)),
            C("max", "all [3,4]", t => t[0].Max(), Distinct(3, 4)),
            C("max", "axis 1 [3,5]", t => t[0].Max(1), Distinct(3, 5)),
            C("max", "axis 0 keepdim [4,3]", t => t[0].Max(0, keepDim: true), Distinct(4, 3)),
            C("max", "axes 0,2 [2,3,4]", t => t[0].Max([0, 2]), Distinct(2, 3, 4)),

            // ---- softmax family
            C("softmax", "last [3,5]", t => t[0].Softmax(), U(3, 5)),
            C("softmax", "axis 0 [4,3]", t => t[0].Softmax(0), U(4, 3)),
            C("softmax", "axis 1 [2,3,4]", t => t[0].Softmax(1), U(2, 3, 4)),
            C("softmax", "[1,1]", t => t[0].Softmax(), U(1, 1)),
            C("log_softmax", "last [3,5]", t => t[0].LogSoftmax(), U(3, 5)),
            C("log_softmax", "axis 1 [2,3,4]", t => t[0].LogSoftmax(1), U(2, 3, 4)),
            C("log_softmax", "[1,7]", t => t[0].LogSoftmax(), U(1, 7)),

            // ---- products
            C("matmul", "[3,4]@[4,5]", t => t[0].MatMul(t[1]), U(3, 4), U(4, 5)),
            C("matmul", "[1,1]@[1,7]", t => t[0].MatMul(t[1]), U(1, 1), U(1, 7)),
            C("matmul", "[2,3,4]@[4,5] folded", t => t[0].MatMul(t[1]), U(2, 3, 4), U(4, 5)),
            C("matmul", "[2,3,4]@[2,4,5]", t => t[0].MatMul(t[1]), U(2, 3, 4), U(2, 4, 5)),
            C("matmul", "[2,1,3,4]@[3,4,2] batch broadcast both ways", t => t[0].MatMul(t[1]), U(2, 1, 3, 4), U(3, 4, 2)),
            C("matmul", "[3,4]@[2,4,5] left broadcast", t => t[0].MatMul(t[1]), U(3, 4), U(2, 4, 5)),
            C("linear", "[5,4]·[3,4]ᵀ+[3]", t => t[0].Linear(t[1], t[2]), U(5, 4), U(3, 4), U(3)),
            C("linear", "[1,4] no bias", t => t[0].Linear(t[1]), U(1, 4), U(3, 4)),
            C("linear", "[2,3,4] 3-d input", t => t[0].Linear(t[1], t[2]), U(2, 3, 4), U(5, 4), U(5)),

            // ---- movement
            C("reshape", "[2,3,4]->[6,-1]", t => t[0].Reshape(6, -1) * t[1], U(2, 3, 4), U(6, 4)),
            C("reshape", "[1]->[1,1]", t => t[0].Reshape(1, 1), U(1)),
            C("permute", "[2,3,4] (2,0,1)", t => t[0].Permute(2, 0, 1), U(2, 3, 4)),
            C("permute", "transpose [3,5]", t => t[0].Transpose(), U(3, 5)),
            C("permute", "[1,4,1,3] (3,1,0,2)", t => t[0].Permute(3, 1, 0, 2), U(1, 4, 1, 3)),
            C("concat", "axis 0 [2,3]+[1,3]", t => Tensor.Concat([t[0], t[1]], 0), U(2, 3), U(1, 3)),
            C("concat", "axis 1 of three", t => Tensor.Concat([t[0], t[1], t[2]], 1), U(2, 1, 3), U(2, 2, 3), U(2, 3, 3)),
            C("concat", "axis -1 same tensor twice", t => Tensor.Concat([t[0], t[0]], -1), U(3, 2)),
            C("narrow", "axis 1 [3,5] → [3,2]", t => t[0].Narrow(1, 2, 2), U(3, 5)),
            C("narrow", "axis 0 [4,2,3] one entry", t => t[0].Narrow(0, 3, 1), U(4, 2, 3)),
            C("narrow", "axis -1 both pieces used", t => t[0].Narrow(-1, 0, 1) * t[0].Narrow(-1, 1, 2), U(2, 3)),
            C("select_rows", "[5,3] with repeats", t => t[0].SelectRows([4, 0, 4, 2]), U(5, 3)),
            C("select_rows", "[4,2,3] one row", t => t[0].SelectRows([3]), U(4, 2, 3)),
            C("dropout", "p=0.3 [4,5]", t => t[0].Dropout(0.3f, new Rng(11)), U(4, 5)),

            // ---- losses (targets and labels are constants)
            C("bce_with_logits", "mean [7]", t => Loss.BinaryCrossEntropyWithLogits(t[0], Tensor.Uniform(new Rng(5), 0f, 1f, 7)), U(7)),
            C("bce_with_logits", "sum [3,1]", t => Loss.BinaryCrossEntropyWithLogits(t[0], Tensor.FromArray([1f, 0f, 1f], 3, 1), Reduction.Sum), U(3, 1)),
            C("cross_entropy", "mean [5,4]", t => Loss.CrossEntropy(t[0], [3, 0, 1, 1, 2]), U(5, 4)),
            C("cross_entropy", "sum [1,3]", t => Loss.CrossEntropy(t[0], [2], Reduction.Sum), U(1, 3)),
            C("squared_error", "mean [3,4] both sides", t => Loss.SquaredError(t[0], t[1]), U(3, 4), U(3, 4)),
            C("squared_error", "sum [1]", t => Loss.SquaredError(t[0], t[1], Reduction.Sum), U(1), U(1)),
            C("huber", "mean [3,4] both sides, δ = 0.3 (both pieces)", t => Loss.Huber(t[0], t[1], 0.3f), U(3, 4), U(3, 4)),
            C("huber", "sum [2,1]", t => Loss.Huber(t[0], t[1], 0.5f, Reduction.Sum), U(2, 1), U(2, 1)),

            // ---- a composite: a two-layer network's log-likelihood through every layer
            C("linear", "2-layer sigmoid net + BCE", t =>
                Loss.BinaryCrossEntropyWithLogits(t[0].Linear(t[1], t[2]).Sigmoid().Linear(t[3], t[4]), Tensor.FromArray([1f, 0f, 1f], 3, 1)),
                U(3, 4), U(5, 4), U(5), U(1, 5), U(1)),
        };
        k.AddRange(ConvCases());
        return k;
    }
}
