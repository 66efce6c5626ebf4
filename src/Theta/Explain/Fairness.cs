using System.Globalization;

namespace Theta.Explain;

/// <summary>One calibration bin of a group: rows whose P(y = 1 | x) fell in [Low, High), their mean prediction and how many were truly positive.</summary>
public sealed record CalibrationBin(double Low, double High, int Count, double MeanPredicted, double ObservedRate);

/// <summary>
/// How a two-class model treats one group (ŷ = 1 when P(y = 1 | x) &gt; threshold):
/// accuracy P(ŷ = y), positive-prediction rate P(ŷ = 1), true-positive rate P(ŷ = 1 | y = 1),
/// false-positive rate P(ŷ = 1 | y = 0), and calibration: the mean predicted probability against
/// the observed rate of y = 1 (equal for a calibrated model), overall and per probability bin.
/// A rate whose condition never occurs in the group is NaN.
/// </summary>
public sealed record GroupFairness(
    string Group, int Count, int Positives, double Accuracy, double PositiveRate, double TruePositiveRate, double FalsePositiveRate,
    double MeanPredicted, double ObservedRate, IReadOnlyList<CalibrationBin> Calibration);

/// <summary>
/// The per-group figures and the gaps between groups, with fairlearn's definitions:
/// demographic parity difference = max − min over groups of P(ŷ = 1 | g);
/// equal opportunity difference = max − min of the true-positive rate;
/// equalized odds difference = max(max − min TPR, max − min FPR).
/// 0 means every group is treated alike by that measure; NaN when fewer than two groups have the rate.
/// </summary>
public sealed record FairnessReport(
    IReadOnlyList<GroupFairness> Groups, double Threshold,
    double DemographicParityDifference, double EqualOpportunityDifference, double EqualizedOddsDifference, string Summary);

/// <summary>Group fairness of a two-class classifier's predictions (see <see cref="FairnessReport"/>).</summary>
public static class Fairness
{
    /// <summary>
    /// The report for predictions <paramref name="positiveProbability"/> (P(y = 1 | x) per row), true labels
    /// (0 or 1) and a group value per row. Groups are listed in ordinal order of their names.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, a label is not 0/1, or there is only one group.</exception>
    public static FairnessReport Compute(IReadOnlyList<double> positiveProbability, IReadOnlyList<int> labels, IReadOnlyList<string> groups,
        double threshold = 0.5, int bins = 5)
    {
        int n = labels.Count;
        if (positiveProbability.Count != n || groups.Count != n)
            throw new ArgumentException($"fairness: {positiveProbability.Count} predictions, {n} labels and {groups.Count} group values must be as many");
        if (labels.Any(y => y is not (0 or 1))) throw new ArgumentException("fairness: labels must be 0 or 1 (fairness is computed for two classes)");
        var names = groups.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (names.Length < 2)
            throw new ArgumentException($"fairness: the group column has a single value{(names.Length == 1 ? $" (\"{names[0]}\")" : "")}; fairness compares two or more groups");

        var per = names.Select(g =>
        {
            var rows = Enumerable.Range(0, n).Where(r => groups[r] == g).ToArray();
            return Group(g, rows.Select(r => positiveProbability[r]).ToArray(), rows.Select(r => labels[r]).ToArray(), threshold, bins);
        }).ToList();
        double dp = Spread(per.Select(g => g.PositiveRate)), eo = Spread(per.Select(g => g.TruePositiveRate)), fpr = Spread(per.Select(g => g.FalsePositiveRate));
        double odds = double.IsNaN(eo) ? fpr : double.IsNaN(fpr) ? eo : Math.Max(eo, fpr);
        return new FairnessReport(per, threshold, dp, eo, odds, Sentence(per, dp, eo, odds));
    }

    private static GroupFairness Group(string name, double[] p, int[] y, double threshold, int bins)
    {
        int n = y.Length, tp = 0, fp = 0, pos = 0, correct = 0, predictedPos = 0;
        for (int r = 0; r < n; r++)
        {
            bool yHat = p[r] > threshold;        // ties go to class 0, as the argmax of (1 − p, p) does
            if (yHat) predictedPos++;
            if (y[r] == 1) { pos++; if (yHat) tp++; }
            else if (yHat) fp++;
            if (yHat == (y[r] == 1)) correct++;
        }
        int neg = n - pos;
        var calibration = new List<CalibrationBin>();
        for (int b = 0; b < bins; b++)
        {
            double lo = (double)b / bins, hi = (double)(b + 1) / bins;
            var inBin = Enumerable.Range(0, n).Where(r => p[r] >= lo && (p[r] < hi || (b == bins - 1 && p[r] <= hi))).ToArray();
            if (inBin.Length > 0)
                calibration.Add(new CalibrationBin(lo, hi, inBin.Length, inBin.Average(r => p[r]), inBin.Average(r => (double)y[r])));
        }
        return new GroupFairness(name, n, pos, (double)correct / n, (double)predictedPos / n,
            pos == 0 ? double.NaN : (double)tp / pos, neg == 0 ? double.NaN : (double)fp / neg,
            p.Average(), (double)pos / n, calibration);
    }

    // max − min over the values that exist.
    private static double Spread(IEnumerable<double> values)
    {
        var v = values.Where(x => !double.IsNaN(x)).ToArray();
        return v.Length < 2 ? double.NaN : v.Max() - v.Min();
    }

    // "Group 1 receives positive predictions 23.0 points more often than group 0; …"
    private static string Sentence(List<GroupFairness> g, double dp, double eo, double odds)
    {
        static string Pts(double d) => (100 * d).ToString("0.0", CultureInfo.InvariantCulture);
        var hi = g.MaxBy(x => x.PositiveRate)!; var lo = g.MinBy(x => x.PositiveRate)!;
        var s = $"Group {hi.Group} receives positive predictions {Pts(dp)} points more often than group {lo.Group} ({Pts(hi.PositiveRate)} % vs {Pts(lo.PositiveRate)} %)";
        var withTpr = g.Where(x => !double.IsNaN(x.TruePositiveRate)).ToList();
        if (withTpr.Count >= 2)
        {
            var th = withTpr.MaxBy(x => x.TruePositiveRate)!; var tl = withTpr.MinBy(x => x.TruePositiveRate)!;
            s += $"; of the truly positive, group {th.Group}'s are found {Pts(eo)} points more often than group {tl.Group}'s";
        }
        if (!double.IsNaN(odds)) s += $"; the equalized-odds gap (the larger of the true- and false-positive-rate gaps) is {Pts(odds)} points";
        return s + ".";
    }
}
