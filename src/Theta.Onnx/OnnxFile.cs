using System.Text.Json;
using System.Text.Json.Nodes;
using Theta.Classic;
using Theta.Data;
using Theta.Nn;
using Theta.Training;
using Theta.Tabular;

namespace Theta.Io;

/// <summary>
/// ONNX both ways. <see cref="Export(string, string, int)"/> writes any Theta model file as an ONNX model
/// (a network file's layers; a tabular model with its standardisation folded in, raw CSV row in,
/// probabilities out; ensembles averaged in the graph; naive Bayes as its log-probability sums).
/// <see cref="ImportNetwork"/> reads the chains of layers that <c>torch.onnx.export</c> writes for a
/// Sequential (and Theta's own exports) as a Theta network that can be trained further. Class names,
/// column names and the model kind travel in the model's metadata_props. See docs/model-file.md.
/// </summary>
public static class OnnxFile
{
    /// <summary>metadata_props keys: the Theta model kind, class names and feature names (JSON lists), the data set, the CSV options and a network file's extra strings (JSON objects), a regression's target.</summary>
    public const string KindKey = "theta.kind", ClassesKey = "classes", FeaturesKey = "features", DatasetKey = "dataset", CsvKey = "theta.csv", ExtraKey = "theta.extra", TargetKey = "target";

    /// <summary>The opset written unless asked otherwise.</summary>
    public const int DefaultOpset = OnnxExport.DefaultOpset;

    /// <summary>Makes every Theta loader (<see cref="NetworkFile.Read(string, int[], long?)"/>, <see cref="ModelFile.Load(string)"/>, the CLI verbs, <c>theta serve</c>) read ".onnx" files.</summary>
    public static void Register()
    {
        ForeignFormats.Register(".onnx", new ForeignFormats.Reader(ImportNetwork));
        ModelFile.RegisterForeign(".onnx", ImportTabular);
    }

    /// <summary>Exports a tabular model (theta train on CSV, theta search): a raw CSV row in, probabilities out. Written atomically.</summary>
    public static void Export(TrainedModel model, string path, int opset = DefaultOpset) => OnnxExport.Write(OnnxExport.Tabular(model, opset), path);

    /// <summary>Exports a network file's network (theta train mnist, a critter's brain): input → output. Written atomically.</summary>
    public static void Export(NetworkModel model, string path, int opset = DefaultOpset) => OnnxExport.Write(OnnxExport.Network(model, opset), path);

    /// <summary>Exports a regression network (theta search on a numeric label): a raw CSV row in, the predicted value out. Written atomically.</summary>
    public static void Export(RegressionModel model, string path, int opset = DefaultOpset) => OnnxExport.Write(OnnxExport.Regression(model, opset), path);

    /// <summary>Exports whatever Theta model file <paramref name="modelPath"/> holds; returns its kind.</summary>
    public static string Export(string modelPath, string onnxPath, int opset = DefaultOpset)
    {
        var (r, _) = ThetaFile.Open(modelPath);
        switch (r.String("kind"))
        {
            case "network":
                Export(NetworkFile.Read(modelPath), onnxPath, opset);
                return "network";
            case "regression":
                Export(RegressionModel.Load(modelPath), onnxPath, opset);
                return "regression";
            default:
                var model = ModelFile.Load(modelPath);
                Export(model, onnxPath, opset);
                return model.Classifier.Kind;
        }
    }

    /// <summary>
    /// Reads an ONNX file as a network: its layers (in evaluation mode), one example's input shape and, from
    /// the metadata, the class names, data set and extra strings. Files Theta exported from tabular models
    /// load with <see cref="ImportTabular"/>.
    /// </summary>
    /// <exception cref="ModelFormatException">A truncated file, a node Theta cannot map, two inputs, dynamic sizes, a too-new opset: the message names the node, its op type and the opset.</exception>
    public static NetworkModel ImportNetwork(string path)
    {
        var proto = OnnxImport.Parse(path);
        var meta = OnnxImport.Metadata(proto);
        if (meta.GetValueOrDefault(KindKey) is { } kind and not "network")
            throw new ModelFormatException($"{path}: Theta's export of a {kind} model (a raw CSV row in, {(kind == "regression" ? "a value" : "probabilities")} out), not a network; {(IsTabular(kind) ? "theta import writes it back as a model file" : "keep its .theta file for Theta")}");
        var g = OnnxImport.Convert(path, proto);
        g.Network.Eval();
        Dictionary<string, string>? extra = null;
        if (meta.GetValueOrDefault(ExtraKey) is { } e)
            extra = Json(path, ExtraKey, e) is JsonObject o && o.All(kv => kv.Value is JsonValue v && v.TryGetValue(out string? _))
                ? o.ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<string>())
                : throw new ModelFormatException($"{path}: metadata \"{ExtraKey}\" must be a JSON object of strings");
        return new NetworkModel(g.Network, new NetworkMetadata(g.Example, Strings(path, meta, ClassesKey), meta.GetValueOrDefault(DatasetKey), extra));
    }

    /// <summary>
    /// Reads an ONNX file that Theta exported from an mlp, logistic or softmax model back as that model
    /// (standardisation, layers, classes, features, CSV options); null for any other file (a network).
    /// </summary>
    public static TrainedModel? ImportTabular(string path)
    {
        var proto = OnnxImport.Parse(path);
        var meta = OnnxImport.Metadata(proto);
        string? kind = meta.GetValueOrDefault(KindKey);
        if (kind is null or "network") return null;
        if (!IsTabular(kind))
            throw new ModelFormatException($"{path}: Theta's export of a{(kind[0] is 'e' ? "n" : "")} {kind} model; ONNX import reads chains of layers (mlp, logistic and softmax models), so keep its .theta file for Theta");
        var classes = Strings(path, meta, ClassesKey) ?? throw new ModelFormatException($"{path}: metadata \"{ClassesKey}\" is missing");
        var features = Strings(path, meta, FeaturesKey) ?? throw new ModelFormatException($"{path}: metadata \"{FeaturesKey}\" is missing");
        var g = OnnxImport.Convert(path, proto);
        if (g.Example is not [var d] || d != features.Length) throw new ModelFormatException($"{path}: the input takes [{string.Join(", ", g.Example)}] per row, not the {features.Length} features its metadata names");
        // The probability tail the export appended: Softmax, after Linear(1 → 2) by [−½, ½] for two classes.
        var layers = g.Network.Layers.ToList();
        int tail = classes.Length == 2 ? 2 : 1;
        bool tailOk = layers.Count > tail && layers[^1] is Softmax
            && (classes.Length > 2 || layers[^2] is Linear { InFeatures: 1, OutFeatures: 2, Bias: null } t && t.Weight.Data.SequenceEqual([-0.5f, 0.5f]));
        if (!tailOk) throw new ModelFormatException($"{path}: the graph does not end in the probabilities Theta's export writes for {classes.Length} classes");
        var body = new Sequential([.. layers.Take(layers.Count - tail)]);
        body.Eval();
        IClassifier classifier;
        if (kind == "mlp")
        {
            var linears = body.Layers.OfType<Linear>().ToArray();
            var activation = body.Layers.FirstOrDefault(l => l is Sigmoid or Tanh or ReLU) switch { Tanh => Activation.Tanh, ReLU => Activation.Relu, _ => Activation.Sigmoid };
            classifier = new NetworkClassifier(body, activation, [.. linears[..^1].Select(l => l.OutFeatures)], classes, features);
        }
        else
        {
            if (body is not { Count: 1 } || body[0] is not Linear lr) throw new ModelFormatException($"{path}: a {kind} model is one Linear layer; the graph has {body.Count} layers");
            classifier = new LogisticRegression(lr.Weight.ToArray(), lr.Bias?.ToArray() ?? new float[lr.OutFeatures], classes, features);
        }
        return new TrainedModel(classifier, g.Standardizer, Csv(path, meta));
    }

    /// <summary>Imports <paramref name="onnxPath"/> and writes it as a Theta file (a model file for Theta's tabular exports, else a network file), atomically; returns what was written.</summary>
    public static string Import(string onnxPath, string outPath)
    {
        if (ImportTabular(onnxPath) is { } tabular)
        {
            ModelFile.Save(tabular, outPath);
            return $"a {tabular.Classifier.Kind} model of {tabular.Classifier.FeatureNames.Count} features and {tabular.Classifier.Classes.Count} classes";
        }
        var net = ImportNetwork(onnxPath);
        NetworkFile.Save(net.Network, outPath, net.Metadata);
        return $"a network of {net.Network.Count} layers ({string.Join(", ", net.Network.Layers.Select(l => l.TypeName))}), input [{string.Join(", ", net.Metadata.InputShape!)}], {net.Network.ParameterCount:N0} parameters";
    }

    private static bool IsTabular(string kind) => kind is "mlp" or "logistic" or "softmax";

    private static JsonNode? Json(string path, string key, string json)
    {
        try { return JsonNode.Parse(json); }
        catch (JsonException) { throw new ModelFormatException($"{path}: metadata \"{key}\" is not valid JSON"); }
    }

    private static string[]? Strings(string path, IReadOnlyDictionary<string, string> meta, string key) =>
        meta.GetValueOrDefault(key) is not { } json ? null
            : Json(path, key, json) is JsonArray a && a.All(n => n is JsonValue v && v.TryGetValue(out string? _))
                ? [.. a.Select(n => n!.GetValue<string>())]
                : throw new ModelFormatException($"{path}: metadata \"{key}\" must be a JSON list of strings");

    private static CsvOptions Csv(string path, IReadOnlyDictionary<string, string> meta)
    {
        if (meta.GetValueOrDefault(CsvKey) is not { } json) return new CsvOptions();
        if (Json(path, CsvKey, json) is not JsonObject o) throw new ModelFormatException($"{path}: metadata \"{CsvKey}\" must be a JSON object");
        try
        {
            return new CsvOptions(
                HasHeader: o["hasHeader"]?.GetValue<bool>() ?? true,
                Label: o["label"]?.GetValue<string>(),
                Drop: o["drop"] is JsonArray drop ? [.. drop.Select(n => n!.GetValue<string>())] : null,
                Group: o["group"]?.GetValue<string>(),
                Separator: o["separator"]?.GetValue<string>() is { Length: 1 } sep ? sep[0] : null);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException)
        {
            throw new ModelFormatException($"{path}: metadata \"{CsvKey}\" has a field of the wrong type ({e.Message})");
        }
    }
}
