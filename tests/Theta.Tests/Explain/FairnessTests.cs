using Theta.Explain;
using Theta.Tabular;

namespace Theta.Tests.Explain;

public sealed class FairnessTests
{
    // A small table worked by hand. ŷ = 1 when p > 0.5.
    //   group A: p = 0.9 0.8 0.3 0.6 0.2   y = 1 1 1 0 0   ŷ = 1 1 0 1 0
    //   group B: p = 0.7 0.4 0.1 0.2 0.45  y = 1 1 0 0 0   ŷ = 1 0 0 0 0
    private static readonly double[] P = [0.9, 0.8, 0.3, 0.6, 0.2, 0.7, 0.4, 0.1, 0.2, 0.45];
    private static readonly int[] Y = [1, 1, 1, 0, 0, 1, 1, 0, 0, 0];
    private static readonly string[] G = ["A", "A", "A", "A", "A", "B", "B", "B", "B", "B"];

    [Fact]
    public void FiguresMatchTheHandComputedTable()
    {
        var r = Fairness.Compute(P, Y, G);
        var (a, b) = (r.Groups[0], r.Groups[1]);
        Assert.Equal(("A", 5, 3), (a.Group, a.Count, a.Positives));
        Assert.Equal(3.0 / 5, a.Accuracy, 12);          // right on rows 1, 2, 5
        Assert.Equal(3.0 / 5, a.PositiveRate, 12);      // ŷ = 1 on rows 1, 2, 4
        Assert.Equal(2.0 / 3, a.TruePositiveRate, 12);  // 2 of the 3 with y = 1
        Assert.Equal(1.0 / 2, a.FalsePositiveRate, 12); // 1 of the 2 with y = 0
        Assert.Equal(2.8 / 5, a.MeanPredicted, 12);     // (0.9 + 0.8 + 0.3 + 0.6 + 0.2) / 5
        Assert.Equal(3.0 / 5, a.ObservedRate, 12);
        Assert.Equal(4.0 / 5, b.Accuracy, 12);          // wrong only on row 2 (p = 0.4, y = 1)
        Assert.Equal(1.0 / 5, b.PositiveRate, 12);
        Assert.Equal(1.0 / 2, b.TruePositiveRate, 12);
        Assert.Equal(0.0, b.FalsePositiveRate, 12);
        Assert.Equal(1.85 / 5, b.MeanPredicted, 12);    // (0.7 + 0.4 + 0.1 + 0.2 + 0.45) / 5
        Assert.Equal(0.6 - 0.2, r.DemographicParityDifference, 12);   // 3/5 − 1/5
        Assert.Equal(2.0 / 3 - 1.0 / 2, r.EqualOpportunityDifference, 12);
        Assert.Equal(0.5, r.EqualizedOddsDifference, 12);             // max(1/6, 1/2 − 0)
        // calibration bins of A (width 0.2): [0.2, 0.4): 0.3, 0.2 (y = 1, 0); [0.6, 0.8): 0.6 (y = 0); [0.8, 1]: 0.9, 0.8 (y = 1, 1)
        Assert.Equal([(2, 0.25, 0.5), (1, 0.6, 0.0), (2, 0.85, 1.0)],
            a.Calibration.Select(c => (c.Count, Math.Round(c.MeanPredicted, 12), c.ObservedRate)));
        Assert.Equal("Group A receives positive predictions 40.0 points more often than group B (60.0 % vs 20.0 %); "
            + "of the truly positive, group A's are found 16.7 points more often than group B's; "
            + "the equalized-odds gap (the larger of the true- and false-positive-rate gaps) is 50.0 points.", r.Summary);
    }

    [Fact]
    public void OneGroupIsAClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => Fairness.Compute(P, Y, Enumerable.Repeat("A", 10).ToArray()));
        Assert.Contains("single value (\"A\")", e.Message);
    }

    [Fact]
    public void HeartTestSetByDemographicReadsTheGroupEvenWhenTheModelDroppedIt()
    {
        var (train, _) = TestData.LoadCs109("heart");
        var model = new Theta.Tabular.TrainedModel(Theta.Classic.BernoulliNaiveBayes.Fit(train), null, new Theta.Data.CsvOptions(Drop: ["Demographic"]));
        var path = Path.Combine(Path.GetTempPath(), $"theta-fair-{Environment.ProcessId}.theta");
        try
        {
            Theta.Tabular.ModelFile.Save(model, path);
            var m = InspectedModel.Load(path);
            var test = m.ReadData(TestData.Cs109("heart-test.csv"), "Demographic");
            Assert.Equal(train.FeatureNames, test.FeatureNames);
            Assert.Equal(["0", "1"], test.Groups!.Distinct().Order());
            var p = m.Tabular!.PredictProba(test);
            var r = Fairness.Compute(Enumerable.Range(0, test.Rows).Select(i => (double)p[i, 1]).ToArray(), test.Labels, test.Groups!);
            Assert.Equal(test.Rows, r.Groups.Sum(g => g.Count));
            Assert.Equal(140.0 / 187, r.Groups.Sum(g => g.Accuracy * g.Count) / test.Rows, 9);   // the groups' accuracies add up to the README's 140/187
            Assert.Contains("no group column", Assert.Throws<Theta.Data.DataException>(() => m.ReadData(TestData.Cs109("heart-test.csv"), "Nope")).Message);
        }
        finally { File.Delete(path); }
    }
}
