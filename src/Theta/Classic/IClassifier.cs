namespace Theta.Classic;

/// <summary>
/// A classifier: a black box governed by parameters (thetas) that maps each row of X [rows, d]
/// to probabilities P(y = k | x) [rows, classes].
/// </summary>
public interface IClassifier
{
    /// <summary>A short name of the model kind ("bernoulli-naive-bayes", "logistic", …).</summary>
    string Kind { get; }
    /// <summary>The class names; column k of the probabilities is Classes[k].</summary>
    IReadOnlyList<string> Classes { get; }
    /// <summary>The feature names the model was trained on, in order.</summary>
    IReadOnlyList<string> FeatureNames { get; }
    /// <summary>P(y = k | x) for every row of X [rows, d]: [rows, classes], rows summing to 1.</summary>
    Tensor PredictProba(Tensor x);
}

/// <summary>Helpers every classifier shares.</summary>
public static class Classifier
{
    /// <summary>The most probable class of every row.</summary>
    public static int[] Predict(this IClassifier model, Tensor x)
    {
        var p = model.PredictProba(x);
        int C = p.Shape[1];
        var y = new int[p.Shape[0]];
        for (int r = 0; r < y.Length; r++) y[r] = Metrics.ClassificationMetrics.ArgMax(p.Data.Slice(r * C, C));
        return y;
    }

    /// <summary>Checks X has the model's number of features.</summary>
    internal static void CheckFeatures(IClassifier model, Tensor x)
    {
        if (x.Rank != 2 || x.Shape[1] != model.FeatureNames.Count)
            throw ShapeException.Invalid(model.Kind, x.Shape, $"data {x.Shape} must be [rows, {model.FeatureNames.Count}] (the model's features)");
    }

    /// <summary>Row-wise softmax of log scores [rows, C] into probabilities, stable for −∞ entries.</summary>
    internal static Tensor ProbabilitiesFromLogScores(double[] logScores, int rows, int C)
    {
        var p = new float[rows * C];
        for (int r = 0; r < rows; r++)
        {
            double m = double.NegativeInfinity;
            for (int k = 0; k < C; k++) m = Math.Max(m, logScores[r * C + k]);
            if (double.IsNegativeInfinity(m)) { for (int k = 0; k < C; k++) p[r * C + k] = 1f / C; continue; }
            double s = 0;
            for (int k = 0; k < C; k++) s += Math.Exp(logScores[r * C + k] - m);
            for (int k = 0; k < C; k++) p[r * C + k] = (float)(Math.Exp(logScores[r * C + k] - m) / s);
        }
        return Tensor.FromArray(p, rows, C);
    }
}
