namespace Theta.Metrics;

/// <summary>Precision, recall and F1 of one class (one-vs-rest).</summary>
public sealed record ClassScores(string Class, int Support, double Precision, double Recall, double F1);

/// <summary>
/// How well predicted probabilities P(y = k | x) [rows, classes] fit the true labels:
/// accuracy of the most probable class, the mean log-likelihood (1/n) Σ ln P(y = yᵢ | xᵢ)
/// (probabilities clamped at 1e−15 so one confident mistake cannot make it −∞), the confusion
/// matrix (rows = true class, columns = predicted), per-class precision/recall/F1, and for two
/// classes the ROC AUC of P(y = 1).
/// </summary>
public sealed record ClassificationMetrics(
    int Rows,
    double Accuracy,
    double MeanLogLikelihood,
    int[,] Confusion,
    IReadOnlyList<ClassScores> PerClass,
    double? RocAuc)
{
    /// <summary>Computes every metric from probabilities [rows, classes] and labels.</summary>
    public static ClassificationMetrics Compute(Tensor probabilities, int[] labels, IReadOnlyList<string> classes)
    {
        if (probabilities.Rank != 2 || probabilities.Shape[0] != labels.Length || probabilities.Shape[1] != classes.Count)
            throw ShapeException.Invalid("Metrics", probabilities.Shape, $"probabilities {probabilities.Shape} must be [{labels.Length}, {classes.Count}] (rows, classes)");
        int n = labels.Length, C = classes.Count;
        var p = probabilities.Data;
        var confusion = new int[C, C];
        double ll = 0;
        int correct = 0;
        for (int r = 0; r < n; r++)
        {
            int pred = ArgMax(p.Slice(r * C, C));
            confusion[labels[r], pred]++;
            if (pred == labels[r]) correct++;
            ll += Math.Log(Math.Max(p[r * C + labels[r]], 1e-15));
        }
        var scores = new ClassScores[C];
        for (int k = 0; k < C; k++)
        {
            int tp = confusion[k, k], predicted = 0, actual = 0;
            for (int j = 0; j < C; j++) { predicted += confusion[j, k]; actual += confusion[k, j]; }
            double prec = predicted == 0 ? 0 : (double)tp / predicted, rec = actual == 0 ? 0 : (double)tp / actual;
            scores[k] = new ClassScores(classes[k], actual, prec, rec, prec + rec == 0 ? 0 : 2 * prec * rec / (prec + rec));
        }
        double? auc = null;
        if (C == 2)
        {
            var score = new double[n];
            for (int r = 0; r < n; r++) score[r] = p[r * 2 + 1];
            auc = AreaUnderRoc(score, labels);
        }
        return new ClassificationMetrics(n, (double)correct / n, ll / n, confusion, scores, auc);
    }

    /// <summary>The index of the largest value (the first one on ties).</summary>
    public static int ArgMax(ReadOnlySpan<float> v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    /// <summary>
    /// ROC AUC = P(score of a random positive > score of a random negative), ties counting ½
    /// (the Mann–Whitney U statistic with average ranks). NaN when one class is absent.
    /// </summary>
    public static double AreaUnderRoc(double[] score, int[] labels)
    {
        int n = score.Length;
        var order = Enumerable.Range(0, n).OrderBy(i => score[i]).ToArray();
        var rank = new double[n];
        for (int i = 0; i < n;)
        {
            int j = i;
            while (j + 1 < n && score[order[j + 1]] == score[order[i]]) j++;
            double avg = (i + j) / 2.0 + 1; // ranks are 1-based
            for (int k = i; k <= j; k++) rank[order[k]] = avg;
            i = j + 1;
        }
        double pos = labels.Count(l => l == 1), neg = n - pos;
        if (pos == 0 || neg == 0) return double.NaN;
        double sumPos = 0;
        for (int i = 0; i < n; i++) if (labels[i] == 1) sumPos += rank[i];
        return (sumPos - pos * (pos + 1) / 2) / (pos * neg);
    }
}
