using System.Text.Json.Nodes;
using Google.Protobuf;
using Theta.Classic;
using Theta.Data;
using Theta.Nn;
using Theta.Training;
using B = Theta.Io.OnnxGraphBuilder;
using DataType = global::Onnx.TensorProto.Types.DataType;
using P = global::Onnx;
using Theta.Tabular;

namespace Theta.Io;

/// <summary>
/// Theta's models as ONNX graphs. A network file: <c>input</c> [N, inputShape…] → the layers →
/// <c>output</c> (what the last layer gives: logits for theta train mnist's networks, Q-values for a
/// critter's brain). A tabular model: <c>features</c> [N, d] (the raw CSV columns, in the order of the
/// metadata's "features") → standardisation (Sub μ, Div σ) when the model has one → the model →
/// <c>probabilities</c> [N, C] (column k is class k of the metadata's "classes"). Two classes go through
/// softmax([−z/2, z/2]) = [1 − σ(z), σ(z)], which keeps the graph a chain. Naive Bayes sums its
/// log-probability tables in float64, as Theta does, and casts the probabilities to float32.
/// </summary>
internal static class OnnxExport
{
    public static P.ModelProto Network(NetworkModel model, int opset)
    {
        var g = new B();
        var shape = model.Metadata.InputShape
            ?? model.Network.Layers.OfType<Linear>().Select(l => new[] { l.InFeatures }).FirstOrDefault()
            ?? throw new ArgumentException("ONNX export: the network file does not store its input shape (one example's, such as [1, 28, 28]); export needs it");
        var y = OnnxLayers.Emit(g, model.Network, "input", shape);
        int[] outShape;
        using (Autograd.NoGrad()) outShape = model.Network.Forward(Tensor.Zeros([1, .. shape])).Shape.Dims[1..].ToArray();
        g.Graph.Node[^1].Output[0] = "output";
        g.Graph.Input.Add(B.Value("input", $"one example of shape [{string.Join(", ", shape)}] per row (batch axis N first)", DataType.Float, shape));
        g.Graph.Output.Add(B.Value("output", "the last layer's output" + (model.Metadata.Classes is { } c ? $", one value per class (metadata \"classes\": {c.Count})" : ""), DataType.Float, outShape));
        var meta = new Dictionary<string, string> { [OnnxFile.KindKey] = "network" };
        if (model.Metadata.Classes is { } classes) meta[OnnxFile.ClassesKey] = Json(classes);
        if (model.Metadata.Dataset is { } dataset) meta[OnnxFile.DatasetKey] = dataset;
        if (model.Metadata.Extra is { } extra) meta[OnnxFile.ExtraKey] = new JsonObject(extra.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))).ToJsonString();
        return Model(g, opset, meta, "A Theta network: input → output.");
    }

    public static P.ModelProto Tabular(TrainedModel model, int opset)
    {
        var c = model.Classifier;
        int d = c.FeatureNames.Count, C = c.Classes.Count;
        var g = new B();
        string x = Standardize(g, "features", model.Standardizer);
        string p = c switch
        {
            NetworkClassifier net => Probabilities(g, OnnxLayers.Emit(g, net.Network, x, [d]), C, ""),
            LogisticRegression lr => Probabilities(g, OnnxLayers.Emit(g, Explain.InspectedModel.AsNetwork(lr), x, [d]), C, ""),
            NetworkEnsemble e => Average(g, [.. e.Members.Select((m, i) =>
                Probabilities(g, OnnxLayers.Emit(g, m.Network, x, [d], $"members.{i}."), C, $"members.{i}."))], "probabilities"),
            BernoulliNaiveBayes nb => NaiveBayes.Bernoulli(g, x, nb),
            GaussianNaiveBayes gnb => NaiveBayes.Gaussian(g, x, gnb),
            _ => throw new NotSupportedException($"ONNX export: a {c.Kind} model has no ONNX mapping in this Theta"),
        };
        g.Graph.Node[^1].Output[0] = "probabilities";
        g.Graph.Input.Add(B.Value("features", $"the raw CSV columns (metadata \"features\": {string.Join(", ", c.FeatureNames)}), one row per example" +
            (model.Standardizer is null ? "" : "; standardised inside the graph"), DataType.Float, d));
        g.Graph.Output.Add(B.Value("probabilities", $"P(class | row), one column per class (metadata \"classes\": {string.Join(", ", c.Classes)})", DataType.Float, C));
        var meta = new Dictionary<string, string>
        {
            [OnnxFile.KindKey] = c.Kind, [OnnxFile.ClassesKey] = Json(c.Classes), [OnnxFile.FeaturesKey] = Json(c.FeatureNames), [OnnxFile.CsvKey] = CsvJson(model.Csv),
        };
        return Model(g, opset, meta, $"A Theta {c.Kind} model: features (raw CSV columns) → probabilities.");
    }

    public static P.ModelProto Regression(RegressionModel model, int opset)
    {
        int d = model.FeatureNames.Count;
        var g = new B();
        string x = Standardize(g, "features", model.Standardizer);
        var std = g.Floats("target.std", [model.TargetStd]);
        var mean = g.Floats("target.mean", [model.TargetMean]);
        var ys = model.Members.Select((m, i) =>
            g.Node("Add", $"members.{i}.value", [g.Node("Mul", $"members.{i}.scaled", [OnnxLayers.Emit(g, m, x, [d], $"members.{i}."), std]), mean])).ToArray();
        Average(g, ys, "prediction");
        g.Graph.Node[^1].Output[0] = "prediction";
        g.Graph.Input.Add(B.Value("features", $"the raw CSV columns (metadata \"features\": {string.Join(", ", model.FeatureNames)}); standardised inside the graph", DataType.Float, d));
        g.Graph.Output.Add(B.Value("prediction", $"the predicted {model.Target}", DataType.Float, 1));
        var meta = new Dictionary<string, string>
        {
            [OnnxFile.KindKey] = "regression", [OnnxFile.FeaturesKey] = Json(model.FeatureNames), [OnnxFile.TargetKey] = model.Target, [OnnxFile.CsvKey] = CsvJson(model.Csv),
        };
        return Model(g, opset, meta, $"A Theta regression network: features (raw CSV columns) → predicted {model.Target}.");
    }

    /// <summary>x' = (x − μ) / σ as Sub then Div (the same float32 operations as <see cref="Standardizer.Transform"/>), or x unchanged.</summary>
    private static string Standardize(B g, string x, Standardizer? s)
    {
        if (s is null) return x;
        int d = s.Mean.Length;
        var centred = g.Node("Sub", "standardize.centred", [x, g.Floats("standardize.mean", s.Mean, d)]);
        return g.Node("Div", "standardize", [centred, g.Floats("standardize.std", s.Std, d)]);
    }

    /// <summary>Logits [N, C] → Softmax; one logit z [N, 1] (two classes) → softmax([−z/2, z/2]) = [1 − σ(z), σ(z)].</summary>
    private static string Probabilities(B g, string logits, int C, string prefix)
    {
        if (C == 2) logits = g.Node("MatMul", $"{prefix}two_classes", [logits, g.Floats($"{prefix}two_classes.half", [-0.5f, 0.5f], 1, 2)]);
        return g.Node("Softmax", $"{prefix}softmax", [logits], B.Int("axis", 1));
    }

    /// <summary>(1/m) Σᵢ yᵢ: Sum, then Div by m.</summary>
    private static string Average(B g, string[] ys, string name)
    {
        if (ys.Length == 1) return g.Node("Identity", name, [ys[0]]);
        var sum = g.Node("Sum", $"{name}.sum", ys);
        return g.Node("Div", name, [sum, g.Floats($"{name}.count", [ys.Length])]);
    }

    /// <summary>The ONNX opset this Theta writes by default, and the range it can write (ReduceSum and Softmax as opset 13 defined them).</summary>
    public const int DefaultOpset = 17, MinOpset = 13, MaxOpset = 21;

    private static P.ModelProto Model(B g, int opset, Dictionary<string, string> metadata, string doc)
    {
        if (opset < MinOpset || opset > MaxOpset) throw new ArgumentException($"--opset {opset}: this Theta writes ONNX opsets {MinOpset}–{MaxOpset}");
        g.Graph.DocString = doc;
        var m = new P.ModelProto
        {
            // The IR version that came with each opset (onnx/helper.py's VERSION_TABLE): runtimes check the pair.
            IrVersion = opset switch { <= 14 => 7, <= 18 => 8, <= 20 => 9, _ => 10 },
            ProducerName = "theta",
            ProducerVersion = typeof(Module).Assembly.GetName().Version?.ToString(3) ?? "0",
            DocString = doc,
            Graph = g.Graph,
        };
        m.OpsetImport.Add(new P.OperatorSetIdProto { Domain = "", Version = opset });
        foreach (var (k, v) in metadata) m.MetadataProps.Add(new P.StringStringEntryProto { Key = k, Value = v });
        return m;
    }

    /// <summary>Writes <paramref name="model"/> atomically: an existing file is replaced only when the write succeeded.</summary>
    public static void Write(P.ModelProto model, string path) => AtomicFile.Write(path, s => model.WriteTo(s));

    private static string Json(IEnumerable<string> items) => new JsonArray([.. items.Select(s => (JsonNode)s)]).ToJsonString();

    private static string CsvJson(CsvOptions csv) => new JsonObject
    {
        ["hasHeader"] = csv.HasHeader, ["label"] = csv.Label, ["drop"] = new JsonArray([.. (csv.Drop ?? []).Select(s => (JsonNode)s)]),
        ["group"] = csv.Group, ["separator"] = csv.Separator?.ToString(),
    }.ToJsonString();
}
