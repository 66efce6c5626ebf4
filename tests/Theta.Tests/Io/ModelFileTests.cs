using Theta.Classic;
using Theta.Data;
using Theta.Io;
using Theta.Training;
using Theta.Nn;
using Theta.Tabular;

namespace Theta.Tests.Io;

public sealed class ModelFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("theta-mf-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> Kinds() => ["bernoulli", "gaussian", "logistic", "softmax", "mlp"];

    private static TrainedModel Make(string kind, out Dataset test)
    {
        var (train, t) = TestData.LoadCs109("heart");
        test = t;
        var csv = new CsvOptions(Drop: ["Demographic"]);
        switch (kind)
        {
            case "bernoulli": return new TrainedModel(BernoulliNaiveBayes.Fit(train), null, csv);
            case "gaussian":
                var s = Standardizer.Fit(train.Features);
                return new TrainedModel(GaussianNaiveBayes.Fit(train.WithFeatures(s.Transform(train.Features))), s, csv);
            case "mlp": return new TrainedModel(NetworkClassifier.Fit(train, new NetworkOptions(Hidden: [6, 4], Activation: Activation.Tanh, Epochs: 3)), null, csv);
            case "logistic": return new TrainedModel(LogisticRegression.Fit(train, new(Steps: 200)), null, csv);
            default:
                var three = new Dataset(train.Features, train.Labels.Select((l, i) => i % 5 == 0 ? 2 : l).ToArray(), ["0", "1", "2"], train.FeatureNames);
                test = new Dataset(test.Features, test.Labels, three.Classes, test.FeatureNames);
                return new TrainedModel(LogisticRegression.Fit(three, new(Steps: 100)), null, csv);
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void SavedModelsPredictExactlyAsBefore(string kind)
    {
        var model = Make(kind, out var test);
        var path = Path.Combine(_dir, "m.theta");
        ModelFile.Save(model, path);
        var loaded = ModelFile.Load(path);
        Assert.Equal(model.Classifier.Kind, loaded.Classifier.Kind);
        Assert.Equal(model.Classifier.Classes, loaded.Classifier.Classes);
        Assert.Equal(model.Csv.Drop, loaded.Csv.Drop);
        var before = model.PredictProba(test).ToArray();
        var after = loaded.PredictProba(test).ToArray();
        if (kind == "gaussian") for (int i = 0; i < before.Length; i++) Assert.Equal(before[i], after[i], 4); // tables stored as float32
        else Assert.Equal(before, after);
    }

    [Fact]
    public void TheWeightsAreReadableAsPlainSafetensors()
    {
        var model = Make("logistic", out _);
        var path = Path.Combine(_dir, "m.theta");
        ModelFile.Save(model, path);
        var (tensors, meta) = SafeTensors.Read(path);
        Assert.Equal(new Shape(1, 22), tensors.Single(t => t.Name == "weight").Value.Shape);
        Assert.Contains("\"kind\":\"logistic\"", meta["theta"]);
    }

    [Fact]
    public void AlteredModelsFailClearly()
    {
        var path = Path.Combine(_dir, "m.theta");
        ModelFile.Save(Make("logistic", out _), path);
        var text = System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(path));
        void Check(string from, string to, string expected)
        {
            File.WriteAllBytes(path, System.Text.Encoding.Latin1.GetBytes(text.Replace(from, to)));
            var e = Assert.Throws<ModelFormatException>(() => ModelFile.Load(path));
            Assert.Contains(expected, e.Message);
        }
        // Same-length edits keep the layout valid, so the architecture checks are what must catch them.
        Check(@"\""kind\"":\""logistic\""", @"\""kind\"":\""logistix\""", "\"logistix\" is not a model kind");
        Check("\"weight\"", "\"weigh7\"", "tensor \"weight\" is missing");
        Check(@"\""A.1\"",", new string(' ', 8), "has shape [1, 22]; the architecture needs [1, 21]");
        Check(@"\""kind\""", @"\""kin\"" ", "architecture field \"kind\" is missing");
        Check(@"{\""format\""", @"[\""format\""", "architecture is not valid JSON");
        Check("\"theta\":", "\"thetb\":", "without Theta's architecture");
        Assert.Contains("no such model file", Assert.Throws<ModelFormatException>(() => ModelFile.Load(Path.Combine(_dir, "none.theta"))).Message);
    }

    [Fact]
    public void NetworksAreStoredWithTheGeneralLayerDescription()
    {
        var path = Path.Combine(_dir, "m.theta");
        ModelFile.Save(Make("mlp", out _), path);
        var text = System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(path));
        Assert.Contains(@"\""model\"":{\""type\"":\""Sequential\"",\""layers\"":[{\""type\"":\""Linear\"",\""in\"":22,\""out\"":6", text);
        // A description that does not fit the features is another model, even when the weights were edited to match.
        File.WriteAllBytes(path, System.Text.Encoding.Latin1.GetBytes(text.Replace(@"\""type\"":\""Tanh\""},{\""type\"":\""Linear\"",\""in\"":6,\""out\"":4", @"\""type\"":\""Tanh\""},{\""type\"":\""Linear\"",\""in\"":6,\""out\"":2")));
        Assert.Contains("\"network\" does not map 22 features to 1 output", Assert.Throws<ModelFormatException>(() => ModelFile.Load(path)).Message);
    }
}
