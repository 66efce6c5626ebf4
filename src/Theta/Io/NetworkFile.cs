using System.Text.Json.Nodes;
using Theta.Nn;

namespace Theta.Io;

/// <summary>
/// What a network file says besides the layers, for the tools that load it: the shape of one
/// input without the batch axis (<c>[1, 28, 28]</c> for an MNIST CNN, <c>[784]</c> for an MLP),
/// the class names by output index, the data set it was trained on, and free-form strings.
/// </summary>
public sealed record NetworkMetadata(int[]? InputShape = null, IReadOnlyList<string>? Classes = null, string? Dataset = null, IReadOnlyDictionary<string, string>? Extra = null);

/// <summary>A network read from a file with its metadata.</summary>
public sealed record NetworkModel(Sequential Network, NetworkMetadata Metadata);

/// <summary>
/// A file for any <see cref="Sequential"/> of Theta's layers, in the safetensors layout: the
/// tensors are the parameters named by <see cref="Module.NamedParameters"/> (<c>0.weight</c>,
/// <c>0.bias</c>, …, raw little-endian float32, readable by other tools), and
/// <c>__metadata__["theta"]</c> is JSON: <c>{"format": "theta-model", "version": 1, "kind": "network",
/// "network": {layers…}, "inputShape": [1, 28, 28], "classes": […], "dataset": "mnist", "extra": {…}}</c>.
/// Loading validates the layout against the file's size (<see cref="SafeTensors"/>), rebuilds the
/// layers from a fixed table (<see cref="NetworkArchitecture"/>), then checks that every parameter
/// has its tensor with its exact shape and that no tensor is left over. Nothing is executed.
/// </summary>
public static class NetworkFile
{
    private const string Kind = "network";

    /// <summary>Writes <paramref name="network"/> (architecture and weights) to <paramref name="path"/> atomically: an existing file is replaced only when the write succeeded.</summary>
    public static void Save(Sequential network, string path, NetworkMetadata? metadata = null)
        => Write(network, path, metadata, [], new Dictionary<string, string>());

    /// <summary>The network in <paramref name="path"/>, in evaluation mode. See <see cref="Read(string, int[], long?)"/>.</summary>
    public static Sequential Load(string path, int[]? inputShape = null) => Read(path, inputShape).Network;

    /// <summary>
    /// Reads and validates a network file (a training checkpoint works too: its optimizer state is
    /// skipped). With <paramref name="inputShape"/> (one example, no batch axis) the network must
    /// take that input: the stored input shape must equal it, and a dry forward pass must succeed.
    /// Either input shape (given or stored) is checked against <see cref="ActivationBudget"/> before anything runs:
    /// <paramref name="maxActivationFloats"/> floats per example, by default <see cref="ActivationBudget.LimitFor"/> the file's weights.
    /// </summary>
    /// <exception cref="ModelFormatException">A missing, truncated or altered file, an unknown layer, a network for another input, or one over the budget.</exception>
    public static NetworkModel Read(string path, int[]? inputShape = null, long? maxActivationFloats = null)
        => ThetaFile.Guard(path, () => ForeignFormats.For(path) is { } foreign
            ? ReadForeign(foreign, path, inputShape, maxActivationFloats)
            : Read(ThetaFile.Open(path), inputShape, maxActivationFloats));

    // A network in another format (ONNX), held to the same activation budget as Theta's own files.
    private static NetworkModel ReadForeign(ForeignFormats.Reader foreign, string path, int[]? inputShape, long? maxActivationFloats)
    {
        var model = foreign.Network(path);
        long limit = maxActivationFloats ?? ActivationBudget.LimitFor(model.Network.ParameterCount);
        if (model.Metadata.InputShape is { } stored) ActivationBudget.Check(model.Network, stored, path, limit, "the graph's input shape");
        if (inputShape is not null) CheckInput(path, model.Network, model.Metadata, inputShape, limit);
        return model;
    }

    // The network in an opened file.
    internal static NetworkModel Read((ArchReader Reader, IReadOnlyDictionary<string, string> Metadata) opened, int[]? inputShape, long? maxActivationFloats = null)
    {
        var (module, metadata, reader, raw) = ReadCore(opened);
        string path = reader.Path;
        reader.CheckAllTensorsUsed(raw.ContainsKey(CheckpointFormat.Key) ? CheckpointFormat.IsStateTensor : null);
        if (module is not Sequential seq) throw new ModelFormatException($"{path}: the network is a {module.TypeName}; a Sequential was expected");
        long limit = maxActivationFloats ?? ActivationBudget.LimitFor(reader.TotalFloats);
        if (metadata.InputShape is { } stored) ActivationBudget.Check(seq, stored, path, limit);
        if (inputShape is not null) CheckInput(path, seq, metadata, inputShape, limit);
        seq.Eval();
        return new NetworkModel(seq, metadata);
    }

    private static void CheckInput(string path, Sequential seq, NetworkMetadata metadata, int[] inputShape, long limit)
    {
        string Dims(int[] d) => $"[{string.Join(", ", d)}]";
        if (metadata.InputShape is { } stored && !stored.SequenceEqual(inputShape))
            throw new ModelFormatException($"{path}: the model takes inputs of shape {Dims(stored)}, but {Dims(inputShape)} was expected (a model file for another architecture)");
        try
        {
            ActivationBudget.Check(seq, inputShape, path, limit, "the input shape");
            seq.Summary([1, .. inputShape]);
        }
        catch (Exception e) when (e is ShapeException || e is ModelFormatException { OverBudget: false })
        {
            var why = e.Message.StartsWith(path + ": ", StringComparison.Ordinal) ? e.Message[(path.Length + 2)..] : e.Message;
            throw new ModelFormatException($"{path}: the network cannot take inputs of shape {Dims(inputShape)} (a model file for another architecture): {why}");
        }
    }

    // Writes the architecture, the parameters, then extraTensors, with extra metadata entries beside "theta".
    internal static void Write(Module network, string path, NetworkMetadata? metadata, IEnumerable<(string, Tensor)> extraTensors, Dictionary<string, string> extraMetadata)
    {
        var m = metadata ?? new NetworkMetadata();
        var arch = ThetaFile.Header(Kind);
        arch["network"] = NetworkArchitecture.ToJson(network);
        if (m.InputShape is { } shape) arch["inputShape"] = new JsonArray([.. shape.Select(d => (JsonNode)d)]);
        if (m.Classes is { } classes) arch["classes"] = new JsonArray([.. classes.Select(c => (JsonNode)c)]);
        if (m.Dataset is { } dataset) arch["dataset"] = dataset;
        if (m.Extra is { } extra) arch["extra"] = new JsonObject(extra.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        extraMetadata[ThetaFile.Key] = arch.ToJsonString();
        SafeTensors.Write(path, [.. network.NamedParameters(), .. extraTensors], extraMetadata);
    }

    // Reads the layout, rebuilds the module and fills its parameters; the caller checks for left-over tensors.
    internal static (Module Network, NetworkMetadata Metadata, ArchReader Reader, IReadOnlyDictionary<string, string> Raw) ReadCore(string path)
        => ThetaFile.Guard(path, () => ReadCore(ThetaFile.Open(path)));

    private static (Module Network, NetworkMetadata Metadata, ArchReader Reader, IReadOnlyDictionary<string, string> Raw) ReadCore((ArchReader Reader, IReadOnlyDictionary<string, string> Metadata) opened)
    {
        var (r, raw) = opened;
        string kind = r.String("kind");
        if (kind != Kind) throw r.Error("kind", $"is \"{SafeText.Quote(kind)}\"; a network file (\"{Kind}\") was expected (classic and tabular models load with ModelFile)");

        var module = NetworkArchitecture.Build(r.Object("network"), r.Path, r.TotalFloats);
        NetworkArchitecture.LoadWeights(module, r);
        return (module, ReadMetadata(r, r.Root), r, raw);
    }

    private static NetworkMetadata ReadMetadata(ArchReader r, JsonObject arch)
    {
        int[]? shape = null;
        if (arch.ContainsKey("inputShape"))
        {
            shape = arch["inputShape"] is JsonArray a && a.All(n => n is JsonValue v && v.TryGetValue(out int d) && d >= 1)
                ? [.. a.Select(n => n!.GetValue<int>())]
                : throw r.Error("inputShape", "must be a list of positive integers");
        }
        string[]? classes = arch.ContainsKey("classes") ? r.Strings("classes") : null;
        string? dataset = arch.ContainsKey("dataset") ? r.String("dataset") : null;
        Dictionary<string, string>? extra = null;
        if (arch.ContainsKey("extra"))
        {
            extra = [];
            foreach (var (k, v) in r.Object("extra"))
                extra[k] = v is JsonValue jv && jv.TryGetValue(out string? s) ? s : throw r.Error("extra", $"entry \"{k}\" must be a string");
        }
        return new NetworkMetadata(shape, classes, dataset, extra);
    }
}

/// <summary>Names in a checkpoint file beside the network's own: the training-state metadata key and the optimizer's tensors.</summary>
internal static class CheckpointFormat
{
    public const string Key = "theta-checkpoint";
    private const string Prefix = "optimizer.";
    public static string TensorName(string buffer) => Prefix + buffer;
    public static bool IsStateTensor(string name) => name.StartsWith(Prefix, StringComparison.Ordinal);
}
