using Theta.Nn;

namespace Theta.Explain;

/// <summary>How <see cref="GradCheck"/> checks.</summary>
/// <param name="Rows">How many rows (the first ones) the log-likelihood is summed over.</param>
/// <param name="Epsilon">The relative step: ε = Epsilon·max(1, |θ|).</param>
/// <param name="Tolerance">
/// The largest relative error that passes. Autodiff runs in float32 (≈ 1e-7 relative per operation)
/// and central differences in double with an O(ε²) ≈ 1e-6 truncation error, so a correct backward
/// gives ~1e-6; a wrong one (a missing factor, a transposed weight) gives ~1. 1e-2 separates the two
/// with room for float32 rounding on small gradients.
/// </param>
public sealed record GradCheckOptions(int Rows = 5, double Epsilon = 1e-3, double Tolerance = 1e-2)
{
    public int Rows { get; init; } = Rows >= 1 ? Rows : throw new ArgumentOutOfRangeException(nameof(Rows), Rows, "gradcheck: at least one row");
    public double Epsilon { get; init; } = Epsilon > 0 ? Epsilon : throw new ArgumentOutOfRangeException(nameof(Epsilon), Epsilon, "gradcheck: ε must be > 0");
}

/// <summary>
/// The check of one parameter tensor: relative error ‖a − n‖ / max(‖a‖, ‖n‖, 1e-8) of the autodiff
/// gradient a against the central differences n (Euclidean norms over the tensor), and the entry that differs most.
/// </summary>
public sealed record TensorCheck(string Name, Shape Shape, double RelativeError, ParameterRef WorstEntry, double Autodiff, double Numeric);

/// <summary>The result of <see cref="GradCheck.Run"/>: one check per parameter tensor, the worst one, pass or fail.</summary>
public sealed record GradCheckResult(IReadOnlyList<TensorCheck> Tensors, int Rows, GradCheckOptions Options)
{
    public TensorCheck Worst => Tensors.MaxBy(t => t.RelativeError)!;
    public bool Passed => Worst.RelativeError < Options.Tolerance;
}

/// <summary>
/// A numeric check of every parameter of a network of Linear and activation layers with a sigmoid or
/// softmax output: the autodiff gradient of LL = Σ over rows of ln P(yᵣ | xᵣ) (the engine's float32
/// <c>Backward()</c>) against central differences (LL(θ + ε) − LL(θ − ε)) / 2ε computed in double.
/// </summary>
public static class GradCheck
{
    /// <summary>Checks <paramref name="network"/> on the first <see cref="GradCheckOptions.Rows"/> rows of <paramref name="x"/> [rows, d] with labels <paramref name="labels"/>.</summary>
    public static GradCheckResult Run(Sequential network, Tensor x, int[] labels, GradCheckOptions? options = null)
        => RunWith(new DenseStack(network), x, labels, options ?? new GradCheckOptions(), ChainRule.Autodiff);

    /// <summary>As <see cref="Run(Sequential, Tensor, int[], GradCheckOptions?)"/> with the gradient supplied by <paramref name="autodiff"/> (tests break it on purpose).</summary>
    internal static GradCheckResult RunWith(DenseStack stack, Tensor x, int[] labels, GradCheckOptions o, Func<DenseStack, Tensor, int[], Dictionary<string, double[]>> autodiff)
    {
        if (x.Rank != 2 || x.Shape[0] != labels.Length) throw ShapeException.Invalid("gradcheck", x.Shape, $"rows {x.Shape} and {labels.Length} labels do not match");
        if (x.Shape[0] == 0) throw new ArgumentException("gradcheck: no rows to check on");
        int rows = Math.Min(o.Rows, labels.Length);
        Tensor xs;
        using (Autograd.NoGrad()) xs = x.SelectRows(Enumerable.Range(0, rows).ToArray());
        var ys = labels[..rows];
        var analytic = autodiff(stack, xs, ys);
        var checks = new List<TensorCheck>();
        foreach (var group in ParameterRef.All(stack).GroupBy(p => p.Tensor))
        {
            double diff2 = 0, a2 = 0, n2 = 0, worstGap = -1;
            ParameterRef worst = group.First();
            double worstA = 0, worstN = 0;
            foreach (var p in group)
            {
                double theta = ChainRule.Value(stack, p);
                double a = analytic[p.Tensor][p.FlatIndex];
                double n = ChainRule.CentralDifference(stack, xs.Data, ys, p, o.Epsilon * Math.Max(1, Math.Abs(theta)));
                diff2 += (a - n) * (a - n); a2 += a * a; n2 += n * n;
                if (Math.Abs(a - n) > worstGap) { worstGap = Math.Abs(a - n); worst = p; worstA = a; worstN = n; }
            }
            var shape = stack.NamedParameters().First(t => t.Name == group.Key).Parameter.Shape;
            checks.Add(new TensorCheck(group.Key, shape, Math.Sqrt(diff2) / Math.Max(Math.Max(Math.Sqrt(a2), Math.Sqrt(n2)), 1e-8), worst, worstA, worstN));
        }
        return new GradCheckResult(checks, rows, o);
    }
}
