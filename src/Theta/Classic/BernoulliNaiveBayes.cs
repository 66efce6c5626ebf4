using System.Numerics.Tensors;
using Theta.Data;

namespace Theta.Classic;

/// <summary>
/// Naive Bayes for binary features: features are independent given the class, each a Bernoulli.
/// <code>
///   P(y = c)          = n_c / n                                   (prior, MLE)
///   P(xᵢ = 1 | y = c) = (#{xᵢ = 1, y = c} + α) / (n_c + 2α)       (α = 1: Laplace / MAP; α = 0: MLE)
///   ŷ = argmax_c  ln P(y = c) + Σᵢ ln P(xᵢ | y = c)                (in log space: no underflow)
/// </code>
/// With the MLE a probability can be exactly 0 (ln 0 = −∞): a class that never saw a value is ruled out.
/// </summary>
public sealed class BernoulliNaiveBayes : IClassifier
{
    /// <summary>
    /// A fitted model from its sufficient statistics: n_c (rows per class) and #{xᵢ = 1, y = c}
    /// as [class, feature]. The tables are derived from them, so a saved model reloads exactly.
    /// </summary>
    public BernoulliNaiveBayes(long[] classCounts, long[,] oneCounts, IReadOnlyList<string> classes, IReadOnlyList<string> featureNames, double alpha)
    {
        int C = classes.Count, d = featureNames.Count;
        if (classCounts.Length != C || oneCounts.GetLength(0) != C || oneCounts.GetLength(1) != d)
            throw new ArgumentException($"BernoulliNaiveBayes: counts must be [{C}] and [{C}, {d}]");
        if (alpha < 0 || double.IsNaN(alpha)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "BernoulliNaiveBayes: α must be ≥ 0");
        ClassCounts = classCounts; OneCounts = oneCounts; Classes = classes; FeatureNames = featureNames; Alpha = alpha;
        long n = classCounts.Sum();
        Priors = new double[C];
        ProbOne = new double[C, d];
        for (int c = 0; c < C; c++)
        {
            Priors[c] = (double)classCounts[c] / n;
            for (int i = 0; i < d; i++)
                ProbOne[c, i] = classCounts[c] + 2 * alpha == 0 ? 0.5 : (oneCounts[c, i] + alpha) / (classCounts[c] + 2 * alpha);
        }
    }

    public string Kind => "bernoulli-naive-bayes";
    public IReadOnlyList<string> Classes { get; }
    public IReadOnlyList<string> FeatureNames { get; }
    /// <summary>The smoothing pseudo-count α (1 = Laplace, 0 = MLE).</summary>
    public double Alpha { get; }
    /// <summary>n_c, training rows per class.</summary>
    public long[] ClassCounts { get; }
    /// <summary>#{xᵢ = 1, y = c} as [class, feature].</summary>
    public long[,] OneCounts { get; }
    /// <summary>P(y = c) = n_c / n.</summary>
    public double[] Priors { get; }
    /// <summary>P(xᵢ = 1 | y = c) as [class, feature].</summary>
    public double[,] ProbOne { get; }

    /// <summary>Counts and normalises. Every feature must be 0 or 1 (else a DataException naming file:line:column).</summary>
    public static BernoulliNaiveBayes Fit(Dataset train, double alpha = 1.0)
    {
        if (alpha < 0 || double.IsNaN(alpha)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "BernoulliNaiveBayes: α must be ≥ 0");
        int n = train.Rows, d = train.FeatureCount, C = train.ClassCount;
        var x = train.Features.Data;
        var ones = new long[C, d];
        var count = new long[C];
        // Rows are added into float sums per class (vectorised); a float counts exactly up to 2²⁴,
        // so the sums move into the long counts every 2²³ rows.
        var sums = new float[C * d];
        for (int r = 0; r < n; r++)
        {
            var row = x.Slice(r * d, d);
            int bad = Kernels.ActivationKernels.IndexOfNonBinary(row);
            if (bad >= 0)
                throw train.ErrorAt(r, bad, $"{row[bad]} is not 0 or 1; Bernoulli naive Bayes needs binary features (use --nb gaussian for real values)");
            int c = train.Labels[r];
            count[c]++;
            var s = sums.AsSpan(c * d, d);
            TensorPrimitives.Add(s, row, s);
            if ((r + 1) % (1 << 23) == 0 || r == n - 1)
            {
                for (int k = 0; k < C; k++)
                    for (int i = 0; i < d; i++) ones[k, i] += (long)sums[k * d + i];
                Array.Clear(sums);
            }
        }
        return new BernoulliNaiveBayes(count, ones, train.Classes, train.FeatureNames, alpha);
    }

    /// <summary>ln pᶜᵢ and ln(1 − pᶜᵢ) as [classes·features] tables (also the ONNX export's).</summary>
    internal (double[] LogP, double[] LogQ) LogTables()
    {
        int C = Classes.Count, d = FeatureNames.Count;
        var lp = new double[C * d];
        var lq = new double[C * d];
        for (int c = 0; c < C; c++)
            for (int i = 0; i < d; i++) { lp[c * d + i] = Math.Log(ProbOne[c, i]); lq[c * d + i] = Math.Log(1 - ProbOne[c, i]); }
        return (lp, lq);
    }

    /// <summary>ln P(y = c) + Σᵢ ln P(xᵢ | y = c) for every row and class: [rows·classes], row-major.</summary>
    public double[] LogJoint(Tensor x)
    {
        Classifier.CheckFeatures(this, x);
        int n = x.Shape[0], d = FeatureNames.Count, C = Classes.Count;
        // Precompute ln p and ln(1 − p): the sum for a row is Σᵢ (xᵢ ? ln p : ln(1 − p)).
        var (lp, lq) = LogTables();
        var data = x.Data;
        var result = new double[n * C];
        for (int r = 0; r < n; r++)
            for (int c = 0; c < C; c++)
            {
                double s = Math.Log(Priors[c]);
                for (int i = 0; i < d; i++) s += data[r * d + i] >= 0.5f ? lp[c * d + i] : lq[c * d + i];
                result[r * C + c] = s;
            }
        return result;
    }

    public Tensor PredictProba(Tensor x) => Classifier.ProbabilitiesFromLogScores(LogJoint(x), x.Shape[0], Classes.Count);
}
