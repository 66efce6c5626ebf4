using System.Text.Json;
using System.Text.Json.Nodes;
using Theta.Classic;
using Theta.Data;
using Theta.Nn;
using Theta.Io;
using Theta.Training;

namespace Theta.Tabular;

/// <summary>
/// Theta's tabular model file: a <see cref="ThetaFile"/> whose tensors are the weights and whose
/// architecture JSON gives the kind, classes, features, CSV options, preprocessing and hyperparameters. Other tools read the weights as plain safetensors. Loading
/// validates the layout, then the JSON, then every tensor's presence and shape against the
/// architecture; nothing in the file is executed. See docs/model-file.md.
/// </summary>
public static class ModelFile
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Func<string, TrainedModel?>> Foreign = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Makes <see cref="Load(string)"/> read files ending in <paramref name="extension"/> with <paramref name="read"/> (null when
    /// the file holds a network, not a tabular model); the format's networks are registered with <see cref="ForeignFormats"/>.
    /// </summary>
    public static void RegisterForeign(string extension, Func<string, TrainedModel?> read) => Foreign[extension] = read;

    /// <summary>The tabular model in a file of a foreign format, or null (a network, or no tabular reader for it).</summary>
    internal static TrainedModel? ReadForeign(string path) => Foreign.GetValueOrDefault(Path.GetExtension(path))?.Invoke(path);

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> atomically (an existing file is replaced only when the write succeeded).</summary>
    public static void Save(TrainedModel model, string path)
    {
        var arch = ThetaFile.Header(model.Classifier.Kind);
        arch["classes"] = Strings(model.Classifier.Classes);
        arch["features"] = Strings(model.Classifier.FeatureNames);
        arch["csv"] = new JsonObject
        {
            ["hasHeader"] = model.Csv.HasHeader,
            ["label"] = model.Csv.Label,
            ["drop"] = Strings(model.Csv.Drop ?? []),
            ["group"] = model.Csv.Group,
            ["separator"] = model.Csv.Separator?.ToString(),
        };
        arch["standardize"] = model.Standardizer is not null;
        var tensors = new List<(string, Tensor)>();
        int C = model.Classifier.Classes.Count, d = model.Classifier.FeatureNames.Count;
        switch (model.Classifier)
        {
            case BernoulliNaiveBayes nb:
                arch["alpha"] = nb.Alpha;
                tensors.Add(("class_counts", Tensor.FromArray(nb.ClassCounts.Select(v => (float)v).ToArray(), C)));
                tensors.Add(("one_counts", Tensor.FromArray(nb.OneCounts.Cast<long>().Select(v => (float)v).ToArray(), C, d)));
                break;
            case GaussianNaiveBayes g:
                tensors.Add(("priors", Tensor.FromArray(g.Priors.Select(v => (float)v).ToArray(), C)));
                tensors.Add(("mean", Tensor.FromArray(g.Mean.Cast<double>().Select(v => (float)v).ToArray(), C, d)));
                tensors.Add(("variance", Tensor.FromArray(g.Variance.Cast<double>().Select(v => (float)v).ToArray(), C, d)));
                break;
            case LogisticRegression lr:
                tensors.Add(("weight", Tensor.FromArray(lr.Weights, lr.Bias.Length, d)));
                tensors.Add(("bias", Tensor.FromArray(lr.Bias, lr.Bias.Length)));
                break;
            case NetworkClassifier net:
                arch["network"] = net.Architecture();
                tensors.AddRange(net.Network.NamedParameters());
                break;
            case NetworkEnsemble ensemble:
                // Member i's tensors are its network's, prefixed "members.i."; "members" lists their architectures.
                arch["members"] = new JsonArray([.. ensemble.Members.Select(m => (JsonNode)m.Architecture())]);
                for (int i = 0; i < ensemble.Members.Count; i++)
                    tensors.AddRange(ensemble.Members[i].Network.NamedParameters().Select(p => ($"members.{i}.{p.Name}", p.Parameter)));
                break;
            default:
                throw new NotSupportedException($"ModelFile: cannot save a {model.Classifier.Kind} model");
        }
        if (model.Standardizer is { } s)
        {
            tensors.Add(("standardize.mean", Tensor.FromArray(s.Mean, s.Mean.Length)));
            tensors.Add(("standardize.std", Tensor.FromArray(s.Std, s.Std.Length)));
        }
        SafeTensors.Write(path, tensors, new Dictionary<string, string> { [ThetaFile.Key] = arch.ToJsonString() });
    }

    /// <summary>Reads and validates a model file (read once, front to back: a pipe works).</summary>
    public static TrainedModel Load(string path) => ThetaFile.Guard(path, () => ForeignFormats.For(path) is not null
        ? ReadForeign(path) ?? throw new ModelFormatException($"{path}: a network, not a tabular model (classes and features of CSV columns); the network verbs take it")
        : Load(ThetaFile.Open(path).Reader));

    /// <summary>
    /// Reads a model file once (a pipe works) as what it holds: a regression network from <c>theta search</c>
    /// (<c>Regression</c> set) or a tabular classifier (<c>Classifier</c> set, as <see cref="Load(string)"/> reads it,
    /// an ONNX export of one included).
    /// </summary>
    public static (RegressionModel? Regression, TrainedModel? Classifier) LoadEither(string path)
    {
        if (ForeignFormats.For(path) is not null) return (null, Load(path));
        var opened = ThetaFile.Guard(path, () => ThetaFile.Open(path));
        return opened.Reader.Root["kind"] is JsonValue k && k.TryGetValue(out string? kind) && kind == "regression"
            ? (ThetaFile.Guard(path, () => RegressionModel.Load(opened.Reader)), null)
            : (null, ThetaFile.Guard(path, () => Load(opened.Reader)));
    }

    // The tabular model in an opened file.
    internal static TrainedModel Load(ArchReader r)
    {
        string kind = r.String("kind");
        var classes = r.Strings("classes");
        var features = r.Strings("features");
        if (classes.Length < 2) throw r.Error("classes", "needs at least two classes");
        if (features.Length < 1) throw r.Error("features", "needs at least one feature");
        int C = classes.Length, d = features.Length;

        var csv = ReadCsv(r);

        IClassifier classifier = kind switch
        {
            "bernoulli-naive-bayes" => ReadBernoulli(r, classes, features),
            "gaussian-naive-bayes" => ReadGaussian(r, classes, features),
            "logistic" or "softmax" => new LogisticRegression(
                r.Tensor("weight", kind == "logistic" ? 1 : C, d).ToArray(), r.Tensor("bias", kind == "logistic" ? 1 : C).ToArray(), classes, features),
            "mlp" => ReadNetwork(r, r.Object("network"), "", classes, features),
            "ensemble" => new NetworkEnsemble(ReadMembers(r, classes, features)),
            "regression" => throw r.Error("kind", "is \"regression\": a regression network (theta search on a numeric label), which loads with RegressionModel.Load or ModelFile.LoadEither, not as a classifier"),
            "network" => throw r.Error("kind", "is \"network\": a network file, which loads with NetworkFile.Load, not as a tabular model"),
            _ => throw r.Error("kind", $"\"{SafeText.Quote(kind)}\" is not a model kind this Theta knows"),
        };
        Standardizer? standardizer = r.Bool("standardize")
            ? new Standardizer(r.Tensor("standardize.mean", d).ToArray(), r.Tensor("standardize.std", d).ToArray())
            : null;
        r.CheckAllTensorsUsed();
        return new TrainedModel(classifier, standardizer, csv);
    }

    // The counts are sufficient statistics: whole numbers a float holds exactly (≤ 2²⁴ each, so their sum
    // cannot overflow), n_c ≥ 1 for some class, and #{xᵢ = 1, y = c} ≤ n_c; anything else is an altered file.
    private static BernoulliNaiveBayes ReadBernoulli(ArchReader r, string[] classes, string[] features)
    {
        int C = classes.Length, d = features.Length;
        double alpha = r.Double("alpha");
        if (!(alpha >= 0 && alpha <= 1e6)) throw r.Error("alpha", $"is {alpha}; expected a smoothing count from 0 to 10⁶");
        var classCounts = r.Tensor("class_counts", C).ToArray().Select((v, c) => Count(r, "class_counts", $"class {c}", v, 1 << 24)).ToArray();
        if (classCounts.Sum() == 0) throw new ModelFormatException($"{r.Path}: tensor \"class_counts\" is all zeros; a model needs training rows");
        var ones = r.Tensor("one_counts", C, d);
        var oneCounts = new long[C, d];
        for (int c = 0; c < C; c++)
            for (int i = 0; i < d; i++) oneCounts[c, i] = Count(r, "one_counts", $"[{c}, {i}]", ones[c, i], classCounts[c]);
        return new BernoulliNaiveBayes(classCounts, oneCounts, classes, features, alpha);
    }

    private static long Count(ArchReader r, string tensor, string at, float v, long max) =>
        v >= 0 && v <= max && v == MathF.Floor(v) ? (long)v
            : throw new ModelFormatException($"{r.Path}: tensor \"{tensor}\" {at} is {v.ToString(System.Globalization.CultureInfo.InvariantCulture)}; expected a whole count from 0 to {max} (altered file)");

    // Priors are probabilities summing to 1, means finite, variances positive and finite.
    private static GaussianNaiveBayes ReadGaussian(ArchReader r, string[] classes, string[] features)
    {
        int C = classes.Length, d = features.Length;
        var priors = r.Tensor("priors", C).ToArray().Select(v => (double)v).ToArray();
        if (priors.Any(p => !(p >= 0 && p <= 1)) || Math.Abs(priors.Sum() - 1) > 1e-3)
            throw new ModelFormatException($"{r.Path}: tensor \"priors\" must hold probabilities from 0 to 1 that sum to 1 (altered file)");
        var mean = To2D(r.Tensor("mean", C, d), C, d, v => (double)v);
        var variance = To2D(r.Tensor("variance", C, d), C, d, v => (double)v);
        foreach (var (name, t, ok) in new[] { ("mean", mean, (Func<double, bool>)double.IsFinite), ("variance", variance, v => v > 0 && double.IsFinite(v)) })
            if (t.Cast<double>().Any(v => !ok(v))) throw new ModelFormatException($"{r.Path}: tensor \"{name}\" holds {(name == "mean" ? "a value that is not finite" : "a variance that is not positive and finite")} (altered file)");
        return new GaussianNaiveBayes(priors, mean, variance, classes, features);
    }

    /// <summary>How the model reads its CSV files: <c>"csv": {"hasHeader", "label", "drop", "group", "separator"}</c>, each optional.</summary>
    internal static CsvOptions ReadCsv(ArchReader r)
    {
        var o = r.Object("csv");
        string? Text(string key) => o[key] switch
        {
            null => null,
            JsonValue v when v.TryGetValue(out string? s) => s,
            _ => throw r.Error("csv", $"entry \"{key}\" must be a string"),
        };
        bool header = o["hasHeader"] switch { null => true, JsonValue v when v.TryGetValue(out bool b) => b, _ => throw r.Error("csv", "entry \"hasHeader\" must be true or false") };
        string[]? drop = o["drop"] switch
        {
            null => null,
            JsonArray a when a.All(n => n is JsonValue v && v.TryGetValue(out string? _)) => [.. a.Select(n => n!.GetValue<string>())],
            _ => throw r.Error("csv", "entry \"drop\" must be a list of column names"),
        };
        char? separator = Text("separator") switch
        {
            null => null,
            "," or ";" or "\t" => Text("separator")![0],
            var s => throw r.Error("csv", $"entry \"separator\" is \"{SafeText.Quote(s)}\"; expected ',' ';' or a tab"),
        };
        return new CsvOptions(header, Text("label"), drop, Text("group"), separator);
    }

    // Rebuilds the layers from the architecture, then fills every parameter from its tensor (shapes checked).
    private static NetworkClassifier[] ReadMembers(ArchReader r, string[] classes, string[] features)
    {
        if (r.Root["members"] is not JsonArray members || members.Count == 0 || members.Count > 1000 || members.Any(m => m is not JsonObject))
            throw r.Error("members", "must be a non-empty list of network architectures");
        return [.. members.Select((m, i) => ReadNetwork(r, (JsonObject)m!, $"members.{i}.", classes, features))];
    }

    // prefix: the tensors' name prefix ("" for a single network, "members.i." in an ensemble).
    internal static NetworkClassifier ReadNetwork(ArchReader r, JsonObject net, string prefix, string[] classes, string[] features)
    {
        int[] hidden;
        Activation activation;
        try
        {
            hidden = net["hidden"]!.AsArray().Select(h => h!.GetValue<int>()).ToArray();
            activation = Enum.Parse<Activation>(net["activation"]!.GetValue<string>(), ignoreCase: true);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or NullReferenceException or FormatException)
        {
            throw r.Error("network", "must give \"hidden\" (a list of layer sizes) and \"activation\" (sigmoid, tanh or relu)");
        }
        if (hidden.Any(h => h < 1) || hidden.Length > 64) throw r.Error("network", "has an invalid hidden layer size");
        // The layers themselves: the general description (as in network files), or, in files
        // written before it existed, rebuilt from the hidden sizes and the activation.
        Sequential seq;
        if (net["model"] is { } model)
        {
            seq = NetworkArchitecture.Build(model, r.Path, r.TotalFloats) as Sequential ?? throw r.Error("network", "\"model\" must be a Sequential");
            int outputs = classes.Length == 2 ? 1 : classes.Length;
            if (!MapsTo(r, seq, features.Length, outputs))
                throw r.Error("network", $"does not map {features.Length} features to {outputs} output{(outputs == 1 ? "" : "s")} (a model for another data set)");
        }
        else seq = NetworkClassifier.Build(features.Length, hidden, activation, classes.Length, new Rng(0));
        NetworkArchitecture.LoadWeights(seq, r, prefix);
        seq.Eval();
        return new NetworkClassifier(seq, activation, hidden, classes, features);
    }

    // Whether a network read from r maps d features to [1, outputs] (an architecture over the file's activation budget throws).
    internal static bool MapsTo(ArchReader r, Sequential seq, int d, int outputs)
    {
        try
        {
            ActivationBudget.Check(seq, [d], r.Path, ActivationBudget.LimitFor(r.TotalFloats), "architecture field \"features\"");
            return seq.Summary(1, d).Rows[^1].OutputShape == new Shape(1, outputs);
        }
        catch (Exception e) when (e is ShapeException || e is ModelFormatException { OverBudget: false }) { return false; }
    }

    private static JsonArray Strings(IEnumerable<string> items) => new(items.Select(s => (JsonNode)s).ToArray());

    private static T[,] To2D<T>(Tensor t, int rows, int cols, Func<float, T> f)
    {
        var r = new T[rows, cols];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) r[i, j] = f(t[i, j]);
        return r;
    }
}
