using Microsoft.ML.OnnxRuntime;
using Theta.Data;
using Theta.Io;
using Theta.Tests;

namespace Theta.Onnx.Tests;

/// <summary>The README's "run an exported Theta model in ONNX Runtime" example, as written there (only the file's folder added).</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public void TheReadmeExampleRunsAnExportedModel()
    {
        var dir = Judge.TempDir();
        var (train, _) = TestData.LoadCs109("heart");
        var model = TabularExportTests.Train(train, "logistic-standardized");
        OnnxFile.Export(model, Path.Combine(dir, "heart.onnx"));
        Directory.SetCurrentDirectory(dir);

        // --- as in the README ---
        using var session = new InferenceSession("heart.onnx");
        var meta = session.ModelMetadata.CustomMetadataMap;            // "classes", "features" (JSON lists)
        float[] row = [0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0];  // one raw CSV row
        using var input = OrtValue.CreateTensorValueFromMemory(row, [1, row.Length]);
        using var output = session.Run(new RunOptions(), ["features"], [input], ["probabilities"]);
        var p = output[0].GetTensorDataAsSpan<float>();               // P(class k | row), k as in meta["classes"]
        Console.WriteLine($"P({meta["classes"]}) = [{string.Join(", ", p.ToArray())}]");
        // ---

        Assert.Equal("[\"0\",\"1\"]", meta["classes"]);
        var theta = model.PredictProba(new Dataset(Tensor.FromArray(row, 1, row.Length), [0], model.Classifier.Classes, model.Classifier.FeatureNames)).ToArray();
        Assert.True(Judge.MaxAbsDiff(theta, p) <= 1e-6);
    }
}
