using Theta.Plots;

namespace Theta.Cli.Tests;

/// <summary>One small MNIST MLP (1 epoch on 2,000 images), trained once for all picture tests, with its curves and confusion matrix.</summary>
public sealed class PictureFixture : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("theta-cli-pictures-").FullName;
    public string Model => Path.Combine(Dir, "mlp.theta");
    public static string Mnist => Path.GetDirectoryName(Path.GetDirectoryName(Cli.Cs109("simple-train.csv")))! + "/mnist";
    public Cli.Result Training { get; }

    public PictureFixture() => Training = Cli.Run("train", "mnist", "--data", Mnist, "--model", "mlp", "--epochs", "2", "--limit", "2000", "--json",
        "--out", Model, "--plot", Path.Combine(Dir, "curves.png"), "--confusion", Path.Combine(Dir, "confusion.svg"));

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}

/// <summary>Every picture command writes a PNG of the expected size (or an SVG where asked); bad input is a one-line error.</summary>
public sealed class PictureCommandTests(PictureFixture f) : IClassFixture<PictureFixture>
{
    private static (int Width, int Height) Size(string path) => Png.ReadSize(File.ReadAllBytes(path));

    private static void Fails(Cli.Result r, string message)
    {
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith("theta: error: ", r.Err);
        Assert.Contains(message, r.Err);
    }

    [Fact]
    public void TrainMnistDrawsCurvesAndAConfusionMatrix()
    {
        Assert.True(f.Training.ExitCode == 0, f.Training.Err);
        Assert.Equal((1120, 440), Size(Path.Combine(f.Dir, "curves.png"))); // two 560×440 panels: loss, accuracy
        var svg = File.ReadAllText(Path.Combine(f.Dir, "confusion.svg"));
        Assert.Contains("<svg", svg);
        Assert.Contains("predicted class", svg);
    }

    [Fact]
    public void FiltersDrawsTheFirstLayerAsTiles()
    {
        var png = Path.Combine(f.Dir, "filters.png");
        var r = Cli.Run("filters", "--model", f.Model, "--out", png);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Equal((16 * 84 + 17 * 2, 8 * 84 + 9 * 2), Size(png)); // 128 tiles of 28×28 × 3 in 16 columns, 2-pixel gaps
    }

    [Fact]
    public void StimulusDrawsTheInputThatExcitesTheUnit()
    {
        var png = Path.Combine(f.Dir, "stimulus.png");
        var r = Cli.Run("stimulus", "--model", f.Model, "--layer", "3", "--unit", "7", "--steps", "30", "--out", png);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Equal((28 * 8 + 4, 28 * 8 + 4), Size(png));
        Assert.Contains("unit 7 of layer 3 (Linear)", r.Out);
    }

    [Fact]
    public void ActivationsDrawsEveryLayer()
    {
        var png = Path.Combine(f.Dir, "activations.png");
        var r = Cli.Run("activations", "--model", f.Model, "--data", PictureFixture.Mnist, "--index", "0", "--out", png);
        Assert.True(r.ExitCode == 0, r.Err);
        // Rows: input 28×28 ×4, Flatten 784 as 28×28 ×4, Linear and ReLU 128 as 8×16 ×24, logits 1×10 ×24; 2-px frames, 8-px gaps.
        Assert.Equal((16 * 24 + 4 + 16, 116 + 116 + 196 + 196 + 28 + 6 * 8), Size(png));
        Assert.Contains("layer 3 Linear [1, 10]", r.Out);
    }

    [Fact]
    public void ClassicTrainingAndEvalDrawTheirPictures()
    {
        string curves = Path.Combine(f.Dir, "heart.png"), model = Path.Combine(f.Dir, "heart.theta"), confusion = Path.Combine(f.Dir, "heart-confusion.png");
        var r = Cli.Run("train", "--train", Cli.Cs109("heart-train.csv"), "--test", Cli.Cs109("heart-test.csv"), "--model", "logistic",
            "--json", "--out", model, "--plot", curves);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Equal((1120, 440), Size(curves));
        r = Cli.Run("eval", "--model", model, "--data", Cli.Cs109("heart-test.csv"), "--json", "--confusion", confusion);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Equal((640, 520), Size(confusion));
    }

    [Fact]
    public void BadInputIsAOneLineError()
    {
        string png = Path.Combine(f.Dir, "bad.png");
        Fails(Cli.Run("stimulus", "--model", f.Model, "--layer", "9", "--unit", "0", "--out", png), "the layers are 0–3: 0 Flatten (784 units), 1 Linear (128 units)");
        Fails(Cli.Run("stimulus", "--model", f.Model, "--layer", "1", "--unit", "128", "--out", png), "its units are 0–127");
        Fails(Cli.Run("filters", "--model", f.Model, "--out", Path.Combine(f.Dir, "w.svg")), "PNG only");
        Fails(Cli.Run("filters", "--model", f.Model, "--out", Path.Combine(f.Dir, "w.jpg")), "written as .png or .svg");
        Fails(Cli.Run("activations", "--model", f.Model, "--data", PictureFixture.Mnist, "--index", "10000", "--out", png), "--index 10000 is out of range");
        Fails(Cli.Run("filters", "--model", Path.Combine(f.Dir, "missing.theta"), "--out", png), "missing.theta");
        Fails(Cli.Run("train", "--train", Cli.Cs109("heart-train.csv"), "--model", "naive-bayes", "--plot", png), "no training curve");
        Assert.False(File.Exists(png));
    }
}
