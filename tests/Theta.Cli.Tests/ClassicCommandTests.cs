using System.Text.Json;

namespace Theta.Cli.Tests;

public sealed class ClassicCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("theta-cli-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);
    private string P(string name) => Path.Combine(_dir, name);

    [Fact]
    public void TrainPrintsTheJsonContractAndSavesTheModel()
    {
        var r = Cli.Run("train", "--train", Cli.Cs109("heart-train.csv"), "--test", Cli.Cs109("heart-test.csv"),
            "--model", "naive-bayes", "--drop", "Demographic", "--out", P("nb.theta"), "--json");
        Assert.True(r.ExitCode == 0, r.Err);
        using var doc = JsonDocument.Parse(r.Out);
        var root = doc.RootElement;
        Assert.Equal("bernoulli-naive-bayes", root.GetProperty("model").GetString());
        Assert.Equal(140.0 / 187, root.GetProperty("test").GetProperty("accuracy").GetDouble(), 6);
        Assert.True(root.GetProperty("train").GetProperty("logLikelihood").GetDouble() < 0);
        Assert.True(root.GetProperty("seconds").GetDouble() >= 0);
        Assert.True(File.Exists(P("nb.theta")));

        var eval = Cli.Run("eval", "--model", P("nb.theta"), "--data", Cli.Cs109("heart-test.csv"), "--json");
        Assert.True(eval.ExitCode == 0, eval.Err);
        Assert.Equal(140.0 / 187, JsonDocument.Parse(eval.Out).RootElement.GetProperty("data").GetProperty("accuracy").GetDouble(), 6);
    }

    [Fact]
    public void LogisticRegressionFromTheCommandLineMatchesTheProblemSet()
    {
        var r = Cli.Run("train", "--train", Cli.Cs109("ancestry-train.csv"), "--test", Cli.Cs109("ancestry-test.csv"), "--model", "logistic", "--json");
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Equal(0.815, JsonDocument.Parse(r.Out).RootElement.GetProperty("test").GetProperty("accuracy").GetDouble(), 3);
    }

    [Fact]
    public void PredictWritesAProbabilityPerRowAndClass()
    {
        Assert.Equal(0, Cli.Run("train", "--train", Cli.Cs109("simple-train.csv"), "--model", "logistic", "--steps", "500", "--out", P("s.theta")).ExitCode);
        var r = Cli.Run("predict", "--model", P("s.theta"), "--data", Cli.Cs109("simple-test.csv"), "--out", P("pred.csv"));
        Assert.True(r.ExitCode == 0, r.Err);
        var lines = File.ReadAllLines(P("pred.csv"));
        Assert.Equal("row,P(0),P(1),predicted", lines[0]);
        Assert.Equal(5, lines.Length);
        var cells = lines[3].Split(',');                 // row 3: x = (1, 0), label 1
        Assert.Equal(1.0, double.Parse(cells[1], System.Globalization.CultureInfo.InvariantCulture) + double.Parse(cells[2], System.Globalization.CultureInfo.InvariantCulture), 5);
        Assert.Equal("1", cells[3]);
    }

    [Fact]
    public void CompareMarksAWinnerAmongTheThreeModels()
    {
        var r = Cli.Run("compare", "--train", Cli.Cs109("heart-train.csv"), "--test", Cli.Cs109("heart-test.csv"), "--drop", "Demographic", "--json", "--out", P("best.theta"));
        Assert.True(r.ExitCode == 0, r.Err);
        var root = JsonDocument.Parse(r.Out).RootElement;
        var models = root.GetProperty("models").EnumerateArray().ToList();
        Assert.Equal(["naive-bayes", "logistic", "mlp"], models.Select(m => m.GetProperty("model").GetString()));
        var best = models.MaxBy(m => m.GetProperty("test").GetProperty("accuracy").GetDouble());
        Assert.Equal(best.GetProperty("model").GetString(), root.GetProperty("winner").GetString());
        Assert.True(File.Exists(P("best.theta")));
        var eval = Cli.Run("eval", "--model", P("best.theta"), "--data", Cli.Cs109("heart-test.csv"), "--json");
        Assert.Equal(best.GetProperty("test").GetProperty("accuracy").GetDouble(),
            JsonDocument.Parse(eval.Out).RootElement.GetProperty("data").GetProperty("accuracy").GetDouble(), 9);
    }

    [Fact]
    public void BadInputIsOneLineNamingTheSpotAndLeavesTheModelAlone()
    {
        File.WriteAllText(P("ragged.csv"), "a,b,Label\n1,0,1\n0,1\n");
        File.WriteAllText(P("model.theta"), "previous model");
        var r = Cli.Run("train", "--train", P("ragged.csv"), "--model", "naive-bayes", "--out", P("model.theta"));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Equal($"theta: error: {P("ragged.csv")}:3: found 2 fields; expected 3 like the header (separator ',')", r.Err.Trim());
        Assert.Equal("previous model", File.ReadAllText(P("model.theta")));

        File.WriteAllText(P("text.csv"), "a,b,Label\n1,0,1\n0,yes,0\n");
        r = Cli.Run("train", "--train", Cli.Cs109("simple-train.csv"), "--test", P("text.csv"), "--out", P("new.theta"));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("text.csv:1: feature column 1 is \"a\"; the model was trained with \"x1\" there", r.Err);
        Assert.False(File.Exists(P("new.theta")));
        r = Cli.Run("train", "--train", P("text.csv"), "--out", P("new.theta"));
        Assert.StartsWith($"theta: error: {P("text.csv")}:3:2: \"yes\" is not a finite number", r.Err);
        Assert.False(File.Exists(P("new.theta")));

        File.WriteAllText(P("nonbinary.csv"), "x1,x2,Label\n1,0,1\n0,0.5,0\n");
        r = Cli.Run("train", "--train", P("nonbinary.csv"), "--model", "naive-bayes", "--nb", "bernoulli");
        Assert.NotEqual(0, r.ExitCode);
        Assert.StartsWith($"theta: error: {P("nonbinary.csv")}:3:2: 0.5 is not 0 or 1", r.Err);

        File.WriteAllText(P("empty.csv"), "");
        Assert.Contains("the file is empty", Cli.Run("train", "--train", P("empty.csv")).Err);
        File.WriteAllText(P("labels.csv"), "x1,x2,Label\n1,0,1\n0,0,2\n");
        Assert.Equal(0, Cli.Run("train", "--train", Cli.Cs109("simple-train.csv"), "--model", "naive-bayes", "--out", P("s.theta")).ExitCode);
        r = Cli.Run("eval", "--model", P("s.theta"), "--data", P("labels.csv"));
        Assert.StartsWith($"theta: error: {P("labels.csv")}:3:3: label \"2\" is not one of the expected classes {{0, 1}}", r.Err);
        Assert.Contains("no such model file", Cli.Run("eval", "--model", P("none.theta"), "--data", P("labels.csv")).Err);
        Assert.Contains("there is no label column \"Outcome\"", Cli.Run("train", "--train", P("labels.csv"), "--label", "Outcome").Err);
    }

    [Fact]
    public void SplitHoldsOutAStratifiedSeededTestSet()
    {
        string[] args = ["train", "--train", Cli.Cs109("netflix-train.csv"), "--drop", "Demographic", "--model", "naive-bayes", "--split", "0.2", "--seed", "7", "--json"];
        var a = Cli.Run(args);
        Assert.True(a.ExitCode == 0, a.Err);
        var test = JsonDocument.Parse(a.Out).RootElement.GetProperty("test");
        Assert.Equal(900, test.GetProperty("rows").GetInt32());                // 20 % of 4500
        Assert.Equal(a.Out.Split("\"seconds\"")[0], Cli.Run(args).Out.Split("\"seconds\"")[0]); // same seed, same figures
        Assert.Contains("either --split or --test", Cli.Run([.. args, "--test", Cli.Cs109("netflix-test.csv")]).Err);
    }

    [Fact]
    public void HelpListsEveryVerb()
    {
        var r = Cli.Run("--help");
        Assert.Equal(0, r.ExitCode);
        foreach (var verb in new[] { "train", "eval", "predict", "compare", "bench" }) Assert.Contains(verb, r.Out);
        Assert.Contains("--drop", Cli.Run("train", "--help").Out);
        Assert.Matches(@"^\d+\.\d+\.\d+", Cli.Run("--version").Out);
    }
}

public sealed class MnistCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("theta-cli-mnist-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string MnistDir => Path.GetDirectoryName(Path.GetDirectoryName(Cli.Cs109("simple-train.csv")))! + "/mnist";

    [Fact]
    public void TrainMnistPrintsTheJsonContractAndSavesTheNetwork()
    {
        var model = Path.Combine(_dir, "mlp.theta");
        var r = Cli.Run("train", "mnist", "--data", MnistDir, "--model", "mlp", "--epochs", "1", "--limit", "3000", "--json", "--out", model);
        Assert.True(r.ExitCode == 0, r.Err);
        var root = JsonDocument.Parse(r.Out).RootElement;
        Assert.Equal("mlp", root.GetProperty("model").GetString());
        Assert.Equal(3000, root.GetProperty("train").GetProperty("rows").GetInt32());
        Assert.Equal(10000, root.GetProperty("test").GetProperty("rows").GetInt32());
        Assert.InRange(root.GetProperty("test").GetProperty("accuracy").GetDouble(), 0.80, 1.0);
        Assert.True(root.GetProperty("test").GetProperty("logLikelihood").GetDouble() < 0);
        Assert.True(File.Exists(model));

        // eval reads the saved network and judges it on the MNIST test images: the same accuracy.
        var eval = Cli.Run("eval", "--model", model, "--data", MnistDir, "--json");
        Assert.True(eval.ExitCode == 0, eval.Err);
        var data = JsonDocument.Parse(eval.Out).RootElement.GetProperty("data");
        Assert.Equal(10000, data.GetProperty("rows").GetInt32());
        Assert.Equal(root.GetProperty("test").GetProperty("accuracy").GetDouble(), data.GetProperty("accuracy").GetDouble(), 9);
    }

    [Fact]
    public void BadSettingsAreOneLineErrors()
    {
        Assert.Contains("--batch 5000 is larger than the 100 training images",
            Cli.Run("train", "mnist", "--data", MnistDir, "--limit", "100", "--batch", "5000").Err);
        Assert.Contains("--lr must be > 0", Cli.Run("train", "mnist", "--data", MnistDir, "--lr", "0").Err);
        var r = Cli.Run("train", "mnist", "--data", _dir);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("train-images-idx3-ubyte(.gz) is missing", r.Err);
    }
}
