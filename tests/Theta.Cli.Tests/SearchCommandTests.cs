using System.Text.Json.Nodes;

namespace Theta.Cli.Tests;

public sealed class SearchCommandTests
{
    // A pinned cost model (no calibration: the plan is the same on every machine) three times as pessimistic as a
    // quiet fast machine of this kind, so that the first rung finishes within the budget while other test projects
    // run beside this one on a machine half as fast.
    private const string SlowCost = "3e-10,9e-5,7.5e-8";

    private static string Temp(string name) => Path.Combine(Path.GetTempPath(), $"theta-search-{Guid.NewGuid():N}-{name}");

    [Fact]
    public void SearchSavesAModelThatPredictAndEvalUseOnRawData()
    {
        string model = Temp("heart.theta"), report = Temp("heart");
        var r = Cli.Run("search", "--train", Cli.Cs109("heart-train.csv"), "--test", Cli.Cs109("heart-test.csv"), "--drop", "Demographic",
            "--budget", "8s", "--cost", SlowCost, "--out", model, "--report", report, "--json");
        try
        {
            Assert.True(r.ExitCode == 0, r.Err);
            var o = JsonNode.Parse(r.Out)!;
            Assert.Equal("classification", o["task"]!.GetValue<string>());
            Assert.InRange(o["test"]!["accuracy"]!.GetValue<double>(), 0.6, 1.0);
            Assert.True(o["leaderboard"]!.AsArray().Count > 1);
            Assert.True(File.Exists(report + ".png") && File.ReadAllLines(report + ".csv").Length > 2);
            var predict = Cli.Run("predict", "--model", model, "--data", Cli.Cs109("heart-test.csv"));
            Assert.True(predict.ExitCode == 0, predict.Err);
            Assert.Equal(188, predict.Out.Trim().Split('\n').Length);
            var eval = Cli.Run("eval", "--model", model, "--data", Cli.Cs109("heart-test.csv"), "--json");
            Assert.Equal(o["test"]!["accuracy"]!.GetValue<double>(), JsonNode.Parse(eval.Out)!["data"]!["accuracy"]!.GetValue<double>(), 6);
        }
        finally { foreach (var f in new[] { model, report + ".png", report + ".csv" }) File.Delete(f); }
    }

    [Fact]
    public void ABudgetThatFitsNoCandidateIsOneLineAndWritesNothing()
    {
        string model = Temp("none.theta");
        var r = Cli.Run("search", "--train", Cli.Cs109("netflix-train.csv"), "--budget", "10ms", "--cost", "1e-10,3e-5,2.5e-8", "--out", model);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("cannot fit one candidate", r.Err);
        Assert.Single(r.Err.Trim().Split('\n'));
        Assert.False(File.Exists(model));
    }

    [Theory]
    [InlineData("10", "is not a time")]
    [InlineData("-3m", "is not a time")]
    public void ABadBudgetIsAClearError(string budget, string expected)
    {
        var r = Cli.Run("search", "--train", Cli.Cs109("simple-train.csv"), "--budget", budget);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(expected, r.Err);
    }

    [Fact]
    public void RegressionOnANumericLabelPredictsValues()
    {
        string data = Temp("curve.csv"), model = Temp("curve.theta");
        var rng = new Random(3);
        var lines = new List<string> { "x,y" };
        for (int i = 0; i < 200; i++) { double x = rng.NextDouble() * 4 - 2; lines.Add(FormattableString.Invariant($"{x:0.####},{x * x + 0.01 * rng.NextDouble():0.####}")); }
        File.WriteAllLines(data, lines);
        try
        {
            var r = Cli.Run("search", "--train", data, "--budget", "6s", "--cost", SlowCost, "--out", model, "--json");
            Assert.True(r.ExitCode == 0, r.Err);
            Assert.Equal("regression", JsonNode.Parse(r.Out)!["task"]!.GetValue<string>());
            var p = Cli.Run("predict", "--model", model, "--data", data);
            Assert.True(p.ExitCode == 0, p.Err);
            var rows = p.Out.Trim().Split('\n');
            Assert.Equal("row,predicted y", rows[0]);
            Assert.Equal(201, rows.Length);
        }
        finally { File.Delete(data); File.Delete(model); }
    }
}
