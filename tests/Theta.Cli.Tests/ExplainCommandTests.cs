using System.Text.Json;

namespace Theta.Cli.Tests;

public sealed class ExplainCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("theta-explain-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);
    private string P(string name) => Path.Combine(_dir, name);

    [Fact]
    public void ExplainGradcheckAndSummaryOnASmallTrainedNetwork()
    {
        var heart = Cli.Cs109("heart-test.csv");
        var train = Cli.Run("train", "--train", Cli.Cs109("heart-train.csv"), "--drop", "Demographic", "--model", "mlp", "--hidden", "4", "--epochs", "3", "--out", P("mlp.theta"));
        Assert.True(train.ExitCode == 0, train.Err);

        var r = Cli.Run("explain", "--model", P("mlp.theta"), "--data", heart, "--row", "3", "--param", "0.weight[1,3]", "--json");
        Assert.True(r.ExitCode == 0, r.Err);
        var e = JsonDocument.Parse(r.Out).RootElement;
        Assert.Equal(["∂LL/∂ŷ", "∂ŷ/∂h₁⁽¹⁾", "∂h₁⁽¹⁾/∂θ"], e.GetProperty("factors").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
        double product = e.GetProperty("factors").EnumerateArray().Aggregate(1.0, (a, f) => a * f.GetProperty("values")[0].GetDouble());
        Assert.Equal(e.GetProperty("product").GetDouble(), product, 12);
        Assert.Equal(e.GetProperty("finiteDifference").GetDouble(), e.GetProperty("autodiff").GetDouble(), 5);
        Assert.True(e.GetProperty("maxRelativeError").GetDouble() < 1e-4);

        var all = Cli.Run("explain", "--model", P("mlp.theta"), "--data", heart, "--all", "--json");
        Assert.True(all.ExitCode == 0, all.Err);
        var table = JsonDocument.Parse(all.Out).RootElement;
        Assert.Equal(97, table.GetProperty("parameters").GetArrayLength());   // W [4, 22], b [4], W [1, 4], b [1]: 88 + 4 + 4 + 1
        Assert.True(table.GetProperty("maxRelativeError").GetDouble() < 1e-4);

        var g = Cli.Run("gradcheck", "--model", P("mlp.theta"), "--data", heart, "--json");
        Assert.True(g.ExitCode == 0, g.Err);
        Assert.True(JsonDocument.Parse(g.Out).RootElement.GetProperty("passed").GetBoolean());

        var s = Cli.Run("summary", "--model", P("mlp.theta"), "--json");
        Assert.True(s.ExitCode == 0, s.Err);
        Assert.Equal(97, JsonDocument.Parse(s.Out).RootElement.GetProperty("totalParameters").GetInt32());
    }

    [Fact]
    public void FairnessOnHeartByDemographic()
    {
        var train = Cli.Run("train", "--train", Cli.Cs109("heart-train.csv"), "--drop", "Demographic", "--model", "naive-bayes", "--out", P("nb.theta"));
        Assert.True(train.ExitCode == 0, train.Err);
        var r = Cli.Run("fairness", "--model", P("nb.theta"), "--data", Cli.Cs109("heart-test.csv"), "--group", "Demographic", "--json");
        Assert.True(r.ExitCode == 0, r.Err);
        var root = JsonDocument.Parse(r.Out).RootElement;
        var groups = root.GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal([45, 142], groups.Select(g => g.GetProperty("n").GetInt32()));
        // the README's figures: P(ŷ = 1) 23/45 in group 0 and 112/142 in group 1
        Assert.Equal(112.0 / 142 - 23.0 / 45, root.GetProperty("demographicParityDifference").GetDouble(), 9);
        Assert.StartsWith("Group 1 receives positive predictions 27.8 points more often than group 0", root.GetProperty("summary").GetString());
    }

    [Theory]
    [InlineData("explain", "--param", "9.weight[0,0]", "there is no parameter \"9.weight[0,0]\"; the parameters are 0.weight[0..3,0..21], 0.bias[0..3], 2.weight[0..0,0..3], 2.bias[0..0]")]
    [InlineData("explain", "--row", "188", "--row 188: heart-test.csv has 187 rows (1 to 187)")]
    [InlineData("fairness", "--group", "Nope", "there is no group column \"Nope\"")]
    [InlineData("fairness", "--group", "A.1", "the group column has a single value")]
    public void BadInputIsOneLineAndExitsNonZero(string verb, string option, string value, string message)
    {
        Assert.Equal(0, Cli.Run("train", "--train", Cli.Cs109("heart-train.csv"), "--drop", "Demographic", "--model", "mlp", "--hidden", "4", "--epochs", "1", "--out", P("m.theta")).ExitCode);
        // a copy of heart-test where A.1 is always 1: one group only
        var lines = File.ReadAllLines(Cli.Cs109("heart-test.csv"));
        File.WriteAllLines(P("heart-test.csv"), [lines[0], .. lines.Skip(1).Select(l => "1" + l[1..])]);
        var r = Cli.Run(verb, "--model", P("m.theta"), "--data", P("heart-test.csv"), option, value);
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith("theta: error: ", r.Err);
        Assert.Contains(message, r.Err);
        Assert.Single(r.Err.Trim().Split('\n'));
    }
}
