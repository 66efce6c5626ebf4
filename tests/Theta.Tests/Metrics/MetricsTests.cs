using Theta.Metrics;

namespace Theta.Tests.Metrics;

public sealed class MetricsTests
{
    [Fact]
    public void FiguresMatchAHandComputedTable()
    {
        // 6 rows, P(y=1): 0.9 0.8 0.3 0.6 0.2 0.1; labels 1 1 1 0 0 0.
        // Predicted (argmax): 1 1 0 1 0 0 → TP 2, FN 1, FP 1, TN 2.
        float[] p1 = [0.9f, 0.8f, 0.3f, 0.6f, 0.2f, 0.1f];
        int[] y = [1, 1, 1, 0, 0, 0];
        var probs = Tensor.FromArray(p1.SelectMany(p => new[] { 1 - p, p }).ToArray(), 6, 2);
        var m = ClassificationMetrics.Compute(probs, y, ["0", "1"]);
        Assert.Equal(4 / 6.0, m.Accuracy, 12);
        Assert.Equal(new[,] { { 2, 1 }, { 1, 2 } }, m.Confusion);
        Assert.Equal(2 / 3.0, m.PerClass[1].Precision, 12);
        Assert.Equal(2 / 3.0, m.PerClass[1].Recall, 12);
        Assert.Equal(2 / 3.0, m.PerClass[1].F1, 12);
        Assert.Equal(3, m.PerClass[0].Support);
        double ll = (Math.Log(0.9) + Math.Log(0.8) + Math.Log(0.3) + Math.Log(0.4) + Math.Log(0.8) + Math.Log(0.9)) / 6;
        Assert.Equal(ll, m.MeanLogLikelihood, 6);
        // AUC: of the 9 (positive, negative) pairs, only (0.3, 0.6) is ordered wrongly → 8/9.
        Assert.Equal(8 / 9.0, m.RocAuc!.Value, 12);
    }

    [Fact]
    public void AucCountsTiesAsHalf()
    {
        Assert.Equal(0.5, ClassificationMetrics.AreaUnderRoc([0.5, 0.5], [1, 0]), 12);
        Assert.Equal(1.0, ClassificationMetrics.AreaUnderRoc([0.1, 0.9, 0.8], [0, 1, 1]), 12);
        Assert.True(double.IsNaN(ClassificationMetrics.AreaUnderRoc([0.1, 0.2], [1, 1])));
    }

    [Fact]
    public void ACertainMistakeHasAFiniteLogLikelihood()
    {
        var m = ClassificationMetrics.Compute(Tensor.FromArray([1f, 0f], 1, 2), [1], ["a", "b"]);
        Assert.Equal(Math.Log(1e-15), m.MeanLogLikelihood, 6);
    }
}
