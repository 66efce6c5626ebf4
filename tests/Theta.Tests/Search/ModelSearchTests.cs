using System.Diagnostics;
using Theta.Classic;
using Theta.Data;
using Theta.Metrics;
using Theta.Search;
using Theta.Training;
using Theta.Tabular;

namespace Theta.Tests.Search;

public sealed class ModelSearchTests
{
    // A cost model in the range measured on the 2-core development machine (a little pessimistic); fixed, so the
    // plan (and with it the whole search) is a pure function of the seed.
    private static readonly CostModel PinnedCost = new(1e-10, 3e-5, 2.5e-8);

    private static Dataset Xor(int n, ulong seed)
    {
        var pts = Toy2D.Generate(Toy2DKind.Xor, n, 0.05f, new Rng(seed));
        var x = pts.SelectMany(p => new[] { p.X1, p.X2 }).ToArray();
        return new Dataset(Tensor.FromArray(x, n, 2), [.. pts.Select(p => p.Label)], ["0", "1"], ["x1", "x2"]);
    }

    private static double Accuracy(Tensor p, int[] labels)
    {
        int C = p.Shape[1], right = 0;
        for (int r = 0; r < labels.Length; r++) if (ClassificationMetrics.ArgMax(p.Data.Slice(r * C, C)) == labels[r]) right++;
        return (double)right / labels.Length;
    }

    [Fact]
    public void OnXorTheSearchFindsANetworkThatBeatsLogisticRegression()
    {
        var train = Xor(300, 1);
        var test = Xor(300, 2);
        var logistic = LogisticRegression.Fit(train);
        double lrAcc = Accuracy(logistic.PredictProba(test.Features), test.Labels);
        var result = ModelSearch.Run(SearchData.Classification(train), new SearchOptions(TimeSpan.FromSeconds(4), Cost: PinnedCost, ClockGuard: false, Seed: 3));
        double acc = Accuracy(result.Model.PredictProba(test.Features), test.Labels);
        Assert.True(lrAcc < 0.7, $"logistic regression should fail on XOR, got {lrAcc}");
        Assert.True(acc > 0.9 && acc > lrAcc + 0.2, $"search {acc:0.000} vs logistic {lrAcc:0.000}; best {result.Best.Config}");
        Assert.NotEmpty(result.Best.Config.Hidden);
    }

    [Fact]
    public void TheSameSeedGivesTheSameLeaderboardWhateverTheThreadTiming()
    {
        var data = SearchData.Classification(Xor(200, 5));
        var o = new SearchOptions(TimeSpan.FromSeconds(1.5), Cost: PinnedCost, ClockGuard: false, Seed: 11, MaxCandidates: 27);
        // Two workers racing through the fold models in whatever order the scheduler gives them.
        var a = ModelSearch.Run(data, o with { Workers = 2 });
        var b = ModelSearch.Run(data, o with { Workers = 2 });
        Assert.True(a.Leaderboard.Count > 3);
        Assert.Equal(Describe(a), Describe(b));
        var c = ModelSearch.Run(data, o with { Seed = 12, Workers = 2 });
        Assert.NotEqual(Describe(a), Describe(c));
    }

    [Fact]
    public void TheCostFiguresAMeasuredRunReportsRepeatItExactly()
    {
        var data = SearchData.Classification(Xor(200, 5));
        var o = new SearchOptions(TimeSpan.FromSeconds(3), ClockGuard: false, Seed: 4, MaxCandidates: 27, MinExamples: 256, Workers: 2);
        var measured = ModelSearch.Run(data, o);
        var figures = measured.Plan.Cost;
        Assert.NotNull(figures.Start);
        Assert.NotEmpty(figures.Paces!);
        var parsed = CostModel.Parse(figures.ToString());
        Assert.Equal(figures.ToString(), parsed.ToString());
        var again = ModelSearch.Run(data, o with { Cost = parsed });
        Assert.Equal(Describe(measured), Describe(again));
        Assert.Equal(figures.ToString(), again.Plan.Cost.ToString());
    }

    [Theory]
    [InlineData("1e-10,3e-5,2.5e-8")]
    [InlineData("1e-10,3e-5,2.5e-8/1.25/0.52,0.2")]
    [InlineData("1e-10,3e-5,2.5e-8/0/")]
    public void CostFiguresRoundTripAsText(string text) => Assert.Equal(text, CostModel.Parse(text).ToString());

    [Theory]
    [InlineData("1e-10,3e-5")]
    [InlineData("1e-10,3e-5,2.5e-8/1.2")]
    [InlineData("1e-10,3e-5,2.5e-8/-1/0.5")]
    [InlineData("1e-10,3e-5,2.5e-8/1.2/0.5,x")]
    public void MalformedCostFiguresAreAClearError(string text) => Assert.Contains("must be three positive numbers", Assert.Throws<ArgumentException>(() => CostModel.Parse(text)).Message);

    private static string Describe(SearchResult r) => string.Join("\n", r.Leaderboard.Select(c =>
        $"{c.Id} {c.Config} " + string.Join(" ", c.Scores.Select(s => $"{s.Rung}:{s.Epochs:R}:{s.Loss:R}:{s.Accuracy:R}"))));

    internal static Dataset Toy2DData(Toy2DKind kind, int n)
    {
        var pts = Toy2D.Generate(kind, n, 0.1f, new Rng(9));
        return new Dataset(Tensor.FromArray(pts.SelectMany(p => new[] { p.X1, p.X2 }).ToArray(), n, 2), [.. pts.Select(p => p.Label)],
            [.. Enumerable.Range(0, Toy2D.Classes(kind)).Select(c => c.ToString())], ["x1", "x2"]);
    }

    [Fact]
    public void ThreeClassesAndAnEnsembleOfTheTopThree()
    {
        var train = Toy2DData(Toy2DKind.Gaussians3, 240);
        var result = ModelSearch.Run(SearchData.Classification(train), new SearchOptions(TimeSpan.FromSeconds(1.5), Cost: PinnedCost, ClockGuard: false, Ensemble: 3));
        Assert.True(CostModel.Calibrate(train.Features, 3, 2, probeSeconds: 0.03).SecondsPerMultiplyAdd > 0); // three outputs calibrate too
        Assert.Equal(3, result.Model.Members.Count);
        Assert.Equal(result.Leaderboard.Take(3).Select(c => c.Id), result.Model.Members.Select(m => m.Id));
        var p = result.Model.PredictProba(train.Features);
        Assert.Equal(new Shape(240, 3), p.Shape);
        Assert.True(Accuracy(p, train.Labels) > 0.8);
        // Saved as an "ensemble" model file with its standardisation, it loads and predicts the same from raw features.
        var path = Path.Combine(Path.GetTempPath(), $"theta-ensemble-{Guid.NewGuid():N}.theta");
        try
        {
            Theta.Tabular.ModelFile.Save(result.Model.ToTrainedModel(new CsvOptions()), path);
            var loaded = Theta.Tabular.ModelFile.Load(path);
            Assert.Equal("ensemble", loaded.Classifier.Kind);
            Assert.Equal(p.ToArray(), loaded.PredictProba(train).ToArray());
            // theta summary lists every member's layers; explain says why it needs one network.
            var inspected = Theta.Explain.InspectedModel.Load(path);
            var summary = inspected.Summary();
            Assert.Equal(result.Model.Members.Sum(m => m.Network.ParameterCount), summary.TotalParameters);
            Assert.Contains(summary.Rows, r => r.Name.StartsWith("member 3: "));
            var e = Assert.Throws<ArgumentException>(() => inspected.RequireNetwork("explain"));
            Assert.Contains("an ensemble of 3 networks", e.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void RegressionFindsACurveThatALineCannotFit()
    {
        var rng = new Rng(4);
        int n = 300;
        var x = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 6 - 3)).ToArray();
        var y = x.Select(v => MathF.Sin(2 * v) + 0.05f * (float)rng.NextNormal()).ToArray();
        var data = SearchData.Regression(Tensor.FromArray(x, n, 1), y, ["x"]);
        var result = ModelSearch.Run(data, new SearchOptions(TimeSpan.FromSeconds(3), Cost: PinnedCost, ClockGuard: false));
        var pred = result.Model.Predict(Tensor.FromArray(x, n, 1));
        double rmse = Math.Sqrt(pred.Zip(y, (p, t) => (p - t) * (p - t)).Average());
        // The best straight line through sin(2x) on [-3, 3] leaves an RMSE of about 0.7.
        Assert.True(rmse < 0.3, $"RMSE {rmse:0.000}; best {result.Best.Config}");
        Assert.True(double.IsNaN(result.Best.Last.Accuracy) && result.Best.Last.Rmse < 0.4);
    }

    [Fact]
    public void ABudgetThatCannotFitOneCandidateIsAClearError()
    {
        var data = SearchData.Classification(Xor(200, 5));
        var e = Assert.Throws<ArgumentException>(() => ModelSearch.Run(data, new SearchOptions(TimeSpan.FromMilliseconds(1), Cost: PinnedCost, ClockGuard: false)));
        Assert.Contains("cannot fit one candidate", e.Message);
        Assert.Contains("give a budget of at least", e.Message);
    }

    [Fact]
    public void TooFewRowsForTheFoldsUsesFewerFoldsWithAWarning()
    {
        var data = SearchData.Classification(Xor(6, 5) is var d && d.ClassCounts().All(c => c >= 2) ? d : Xor(6, 6));
        var result = ModelSearch.Run(data, new SearchOptions(TimeSpan.FromSeconds(0.5), Cost: PinnedCost, ClockGuard: false, Folds: 5, MaxCandidates: 9));
        Assert.Contains(result.Warnings, w => w.Contains("too few for 5 folds") && w.Contains("using 3 folds instead"));
        Assert.Equal(3, result.Plan.Folds);
        var tiny = SearchData.Classification(Xor(3, 5));
        Assert.Contains("at least 4", Assert.Throws<ArgumentException>(() => ModelSearch.Run(tiny, new SearchOptions(Cost: PinnedCost, ClockGuard: false))).Message);
    }

    [Fact]
    public void AClassInOnlyOneFoldIsWarnedAbout()
    {
        var xor = Xor(40, 7);
        var labels = xor.Labels.ToArray();
        labels[0] = 2; // one row of a third class
        var data = new Dataset(xor.Features, labels, ["0", "1", "2"], xor.FeatureNames);
        var result = ModelSearch.Run(SearchData.Classification(data), new SearchOptions(TimeSpan.FromSeconds(0.5), Cost: PinnedCost, ClockGuard: false, MaxCandidates: 9));
        Assert.Contains(result.Warnings, w => w.Contains("class \"2\" has a single row") && w.Contains("one fold only"));
    }
}

/// <summary>
/// Tests that need the machine to themselves (the search's wall-clock budget, the workers' wake-up): xunit
/// runs a collection that disables parallelisation after every other test of the assembly, so no other
/// test's threads compete for the 2 cores or hold the kernels' workers.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WallClockCollection
{
    public const string Name = "wall clock";
}

[Collection(WallClockCollection.Name)]
public sealed class ModelSearchBudgetTests
{
    [Fact]
    public void TheBudgetIsRespectedWithinTenPercent()
    {
        var data = SearchData.Classification(ModelSearchTests.Toy2DData(Toy2DKind.Spiral, 600));
        var budget = TimeSpan.FromSeconds(6);
        var clock = Stopwatch.StartNew();
        var result = ModelSearch.Run(data, new SearchOptions(budget, Seed: 2));
        double t = clock.Elapsed.TotalSeconds;
        Assert.DoesNotContain(result.Warnings, w => w.Contains("more than this search could use"));
        Assert.InRange(t, 0.9 * budget.TotalSeconds, 1.1 * budget.TotalSeconds);
        Assert.True(result.Plan.Rungs.Count >= 2, $"a plan of {result.Plan.Rungs.Count} rung(s)");
    }

}
