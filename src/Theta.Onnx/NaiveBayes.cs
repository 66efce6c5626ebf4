using Theta.Classic;
using B = Theta.Io.OnnxGraphBuilder;
using DataType = global::Onnx.TensorProto.Types.DataType;

namespace Theta.Io;

/// <summary>
/// Naive Bayes as the log-probability sums it is, in float64 as Theta computes them (C = classes, d = features):
/// <code>
/// Bernoulli: log P(y = k, x) = log P(y = k) + Σᵢ (xᵢ ≥ ½ ? log pₖᵢ : log(1 − pₖᵢ))        Where + ReduceSum
/// Gaussian:  log P(y = k, x) = log P(y = k) − Σᵢ [½ log(2πσ²ₖᵢ) + (xᵢ − μₖᵢ)² / (2σ²ₖᵢ)]   Sub, Mul, Div + ReduceSum
/// </code>
/// then Softmax over the classes and a Cast to float32. The row [N, d] is broadcast against the tables
/// [C, d] as [N, 1, d], the sum runs over the last axis.
/// NOTE: the Bernoulli sum is linear in x (a logistic regression with weights log pₖᵢ − log(1 − pₖᵢ)), but
/// with maximum-likelihood estimates pₖᵢ may be 0 or 1 and those weights infinite; choosing between the two
/// tables keeps −∞ where it belongs and never forms ∞ − ∞. Unlike Theta, the graph cannot refuse a
/// non-binary feature: it reads xᵢ ≥ ½ as 1.
/// </summary>
internal static class NaiveBayes
{
    public static string Bernoulli(B g, string x, BernoulliNaiveBayes nb)
    {
        int C = nb.Classes.Count, d = nb.FeatureNames.Count;
        var (lp, lq) = nb.LogTables();
        var one = g.Node("GreaterOrEqual", "nb.is_one", [x, g.Floats("nb.half", [0.5f])]);
        var chosen = g.Node("Where", "nb.log_p", [Rows(g, one), g.Doubles("nb.log_p_one", lp, C, d), g.Doubles("nb.log_p_zero", lq, C, d)]);
        return Posterior(g, chosen, nb.Priors, negate: false);
    }

    public static string Gaussian(B g, string x, GaussianNaiveBayes nb)
    {
        int C = nb.Classes.Count, d = nb.FeatureNames.Count;
        var mean = new double[C * d];
        var twoVar = new double[C * d];
        var halfLog = new double[C * d];
        for (int c = 0; c < C; c++)
            for (int i = 0; i < d; i++)
            {
                double v = nb.Variance[c, i];
                mean[c * d + i] = nb.Mean[c, i];
                twoVar[c * d + i] = 2 * v;
                halfLog[c * d + i] = 0.5 * Math.Log(2 * Math.PI * v);
            }
        var xd = g.Node("Cast", "nb.x", [x], B.Int("to", (long)DataType.Double));
        var diff = g.Node("Sub", "nb.diff", [Rows(g, xd), g.Doubles("nb.mean", mean, C, d)]);
        var q = g.Node("Div", "nb.quadratic", [g.Node("Mul", "nb.diff_squared", [diff, diff]), g.Doubles("nb.two_variance", twoVar, C, d)]);
        var terms = g.Node("Add", "nb.neg_log_density", [q, g.Doubles("nb.half_log_2pi_variance", halfLog, C, d)]);
        return Posterior(g, terms, nb.Priors, negate: true);
    }

    // [N, d] → [N, 1, d], so that it broadcasts against a [C, d] table.
    private static string Rows(B g, string x) => g.Node("Unsqueeze", $"{x}.rows", [x, g.Longs("nb.axis1", [1], 1)]);

    // Σ over the features of terms [N, C, d], ± the sum added to log P(y) [C], then softmax and float32.
    private static string Posterior(B g, string terms, double[] priors, bool negate)
    {
        var sum = g.Node("ReduceSum", "nb.sum", [terms, g.Longs("nb.axis2", [2], 1)], B.Int("keepdims", 0));
        var logPrior = g.Doubles("nb.log_prior", priors.Select(p => Math.Log(p)).ToArray(), priors.Length);
        var joint = g.Node(negate ? "Sub" : "Add", "nb.log_joint", [logPrior, sum]);
        var p = g.Node("Softmax", "nb.softmax", [joint], B.Int("axis", 1));
        return g.Node("Cast", "nb.probabilities", [p], B.Int("to", (long)DataType.Float));
    }
}
