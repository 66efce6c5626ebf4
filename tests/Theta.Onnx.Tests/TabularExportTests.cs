using Theta.Classic;
using Theta.Data;
using Theta.Io;
using Theta.Optim;
using Theta.Tests;
using Theta.Training;
using Theta.Nn;
using Theta.Tabular;

namespace Theta.Onnx.Tests;

/// <summary>
/// Models from theta train on CSV (and theta search's ensembles) exported with their standardisation folded in:
/// ONNX Runtime, given the raw CSV rows, gives Theta's probabilities to 1e-5.
/// </summary>
public sealed class TabularExportTests
{
    private static readonly NetworkOptions SmallNet = new([8], Activation.Tanh, 0.01f, 30, 32, 0f, OptimizerKind.Adam, 1);

    // (data set, model): the CS109 sets are binary (one logit); MNIST rows as 784 CSV-like columns give ten classes (softmax).
    public static TheoryData<string, string> Cases => new()
    {
        { "heart", "logistic" }, { "heart", "logistic-standardized" }, { "netflix", "mlp" }, { "ancestry", "mlp-standardized" },
        { "heart", "bernoulli" }, { "heart", "bernoulli-mle" }, { "netflix", "gaussian-standardized" }, { "ancestry", "ensemble" },
        { "mnist", "softmax" }, { "mnist", "mlp-standardized" }, { "mnist", "gaussian" },
    };

    private static (Dataset Train, Dataset Test) Data(string name)
    {
        if (name != "mnist") return TestData.LoadCs109(name);
        var dir = Path.Combine(TestData.Root, "mnist");
        static Dataset Rows(MnistSplit s) => new(s.Images.Reshape(s.Count, 784), s.Labels, [.. Enumerable.Range(0, 10).Select(i => $"{i}")],
            [.. Enumerable.Range(0, 784).Select(i => $"px{i}")]);
        return (Rows(Mnist.LoadSplit(dir, "train").Take(2000)), Rows(Mnist.LoadSplit(dir, "t10k").Take(256)));
    }

    internal static TrainedModel Train(Dataset train, string model)
    {
        bool std = model.EndsWith("-standardized", StringComparison.Ordinal);
        var logistic = new LogisticRegressionOptions(0.05f, 200, 0, 0f, 1, LogisticSolver.GradientAscent, OptimizerKind.Sgd);
        var spec = model.Replace("-standardized", "") switch
        {
            "logistic" or "softmax" => new ModelSpec(ModelKind.Logistic, Standardize: std, Logistic: logistic),
            "mlp" => new ModelSpec(ModelKind.Mlp, Standardize: std, Network: SmallNet),
            "bernoulli" => new ModelSpec(ModelKind.NaiveBayes, NaiveBayesVariant.Bernoulli),
            "bernoulli-mle" => new ModelSpec(ModelKind.NaiveBayes, NaiveBayesVariant.Bernoulli, Alpha: 0),
            "gaussian" => new ModelSpec(ModelKind.NaiveBayes, NaiveBayesVariant.Gaussian, Standardize: std),
            "ensemble" => null,
            var m => throw new ArgumentException(m),
        };
        if (spec is not null) return Fitting.Fit(train, spec, new CsvOptions());
        // An ensemble of three networks (seeds 1–3) over standardised features, as theta search --ensemble saves.
        var s = Standardizer.Fit(train.Features);
        var z = train.WithFeatures(s.Transform(train.Features));
        var members = Enumerable.Range(1, 3).Select(seed => NetworkClassifier.Fit(z, SmallNet with { Seed = (ulong)seed })).ToList();
        return new TrainedModel(new NetworkEnsemble(members), s, new CsvOptions());
    }

    [Theory, MemberData(nameof(Cases))]
    public void ProbabilitiesAgreeWithOnnxRuntimeOnRealRows(string data, string model)
    {
        var (train, test) = Data(data);
        var m = Train(train, model);
        var path = Path.Combine(Judge.TempDir(), "model.onnx");
        OnnxFile.Export(m, path);
        var (ort, shape) = Judge.Run(path, test.Features);   // the raw rows: standardisation happens inside the graph
        int C = m.Classifier.Classes.Count;
        Assert.Equal([test.Rows, (long)C], shape);
        var theta = m.PredictProba(test).ToArray();
        double diff = Judge.MaxAbsDiff(theta, ort);
        Assert.True(diff <= 1e-5, $"{model} on {data}: max |ΔP| = {diff:G3}");
    }

    [Theory]
    [InlineData("heart", "logistic-standardized")]
    [InlineData("heart", "logistic")]
    [InlineData("mnist", "softmax")]
    [InlineData("netflix", "mlp")]
    [InlineData("mnist", "mlp-standardized")]
    public void ExportImportGivesTheSameModelAndBits(string data, string model)
    {
        var (train, test) = Data(data);
        var m = Train(train, model);
        var dir = Judge.TempDir();
        OnnxFile.Export(m, Path.Combine(dir, "model.onnx"));
        Assert.Equal($"a {m.Classifier.Kind} model of {m.Classifier.FeatureNames.Count} features and {m.Classifier.Classes.Count} classes",
            OnnxFile.Import(Path.Combine(dir, "model.onnx"), Path.Combine(dir, "model.theta")));
        var back = ModelFile.Load(Path.Combine(dir, "model.theta"));
        Assert.Equal(m.Classifier.Kind, back.Classifier.Kind);
        Assert.Equal(m.Classifier.Classes, back.Classifier.Classes);
        Assert.Equal(m.Classifier.FeatureNames, back.Classifier.FeatureNames);
        Assert.Equal(m.Standardizer?.Mean, back.Standardizer?.Mean);
        Assert.Equal(m.Standardizer?.Std, back.Standardizer?.Std);
        Judge.SameNetwork(Layers(m.Classifier), Layers(back.Classifier));
        Assert.Equal(m.PredictProba(test).ToArray(), back.PredictProba(test).ToArray());
    }

    [Fact]
    public void ARegressionEnsembleAgreesWithOnnxRuntime()
    {
        // theta search on a numeric label saves members of d → 6 → 1 over standardised features and the target's μ, σ.
        var (train, test) = TestData.LoadCs109("netflix");
        int d = train.FeatureCount;
        var members = Enumerable.Range(1, 2).Select(seed => new Nn.Sequential(new Nn.Linear(d, 6, new Rng((ulong)seed)), new Nn.ReLU(), new Nn.Linear(6, 1, new Rng((ulong)seed + 10)))).ToList();
        var model = new RegressionModel(members, Standardizer.Fit(train.Features), 3.5f, 2f, train.FeatureNames, "rating", new CsvOptions());
        var path = Path.Combine(Judge.TempDir(), "regression.onnx");
        OnnxFile.Export(model, path);
        var (ort, shape) = Judge.Run(path, test.Features);
        Assert.Equal([test.Rows, 1L], shape);
        double diff = Judge.MaxAbsDiff(model.Predict(test.Features), ort);
        Assert.True(diff <= 1e-5, $"max |Δy| = {diff:G3}");
    }

    private static Nn.Sequential Layers(IClassifier c) => c switch
    {
        NetworkClassifier n => n.Network,
        LogisticRegression lr => Explain.InspectedModel.AsNetwork(lr),
        _ => throw new ArgumentException(c.Kind),
    };

    [Theory]
    [InlineData("ensemble", "ensemble")]
    [InlineData("bernoulli", "bernoulli-naive-bayes")]
    [InlineData("gaussian", "gaussian-naive-bayes")]
    public void ExportsThatAreNoChainSayWhyTheyDoNotImport(string model, string kind)
    {
        var m = Train(TestData.LoadCs109("heart").Train, model);
        var path = Path.Combine(Judge.TempDir(), "model.onnx");
        OnnxFile.Export(m, path);
        var e = Assert.Throws<ModelFormatException>(() => OnnxFile.Import(path, path + ".theta"));
        Assert.Contains($"{kind} model", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(File.Exists(path + ".theta"));
    }
}
