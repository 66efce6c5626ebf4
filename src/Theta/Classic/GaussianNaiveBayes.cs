using Theta.Data;

namespace Theta.Classic;

/// <summary>
/// Naive Bayes for real-valued features: each feature is a normal given the class.
/// <code>
///   P(y = c) = n_c / n;   xᵢ | y = c ~ N(μ_ci, σ²_ci)   (MLE mean and variance per class)
///   ln P(xᵢ | c) = −½ ln(2π σ²_ci) − (xᵢ − μ_ci)² / (2σ²_ci)
/// </code>
/// σ² gets a floor of 1e−9 × the largest feature variance (as scikit-learn) so a constant feature does not divide by 0.
/// </summary>
public sealed class GaussianNaiveBayes(double[] priors, double[,] mean, double[,] variance, IReadOnlyList<string> classes, IReadOnlyList<string> featureNames)
    : IClassifier
{
    public string Kind => "gaussian-naive-bayes";
    public IReadOnlyList<string> Classes { get; } = classes;
    public IReadOnlyList<string> FeatureNames { get; } = featureNames;
    /// <summary>P(y = c).</summary>
    public double[] Priors { get; } = priors;
    /// <summary>μ as [class, feature].</summary>
    public double[,] Mean { get; } = mean;
    /// <summary>σ² as [class, feature].</summary>
    public double[,] Variance { get; } = variance;

    public static GaussianNaiveBayes Fit(Dataset train)
    {
        int n = train.Rows, d = train.FeatureCount, C = train.ClassCount;
        var x = train.Features.Data;
        var count = new double[C];
        var sum = new double[C, d]; var sq = new double[C, d];
        var all = new double[d]; var allSq = new double[d];
        for (int r = 0; r < n; r++)
        {
            int c = train.Labels[r];
            count[c]++;
            for (int i = 0; i < d; i++)
            {
                double v = x[r * d + i];
                sum[c, i] += v; sq[c, i] += v * v; all[i] += v; allSq[i] += v * v;
            }
        }
        double maxVar = 0;
        for (int i = 0; i < d; i++) maxVar = Math.Max(maxVar, allSq[i] / n - (all[i] / n) * (all[i] / n));
        double floor = 1e-9 * Math.Max(maxVar, 1e-12);
        var priors = new double[C];
        var mean = new double[C, d]; var variance = new double[C, d];
        for (int c = 0; c < C; c++)
        {
            priors[c] = count[c] / n;
            for (int i = 0; i < d; i++)
            {
                double m = count[c] == 0 ? 0 : sum[c, i] / count[c];
                mean[c, i] = m;
                variance[c, i] = (count[c] == 0 ? 1 : Math.Max(sq[c, i] / count[c] - m * m, 0)) + floor;
            }
        }
        return new GaussianNaiveBayes(priors, mean, variance, train.Classes, train.FeatureNames);
    }

    /// <summary>ln P(y = c) + Σᵢ ln N(xᵢ; μ_ci, σ²_ci) for every row and class: [rows·classes].</summary>
    public double[] LogJoint(Tensor x)
    {
        Classifier.CheckFeatures(this, x);
        int n = x.Shape[0], d = FeatureNames.Count, C = Classes.Count;
        var data = x.Data;
        var result = new double[n * C];
        for (int r = 0; r < n; r++)
            for (int c = 0; c < C; c++)
            {
                double s = Math.Log(Priors[c]);
                for (int i = 0; i < d; i++)
                {
                    double v = Variance[c, i], diff = data[r * d + i] - Mean[c, i];
                    s -= 0.5 * Math.Log(2 * Math.PI * v) + diff * diff / (2 * v);
                }
                result[r * C + c] = s;
            }
        return result;
    }

    public Tensor PredictProba(Tensor x) => Classifier.ProbabilitiesFromLogScores(LogJoint(x), x.Shape[0], Classes.Count);
}
