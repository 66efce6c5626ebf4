using System.Text.Json;
using System.Text.Json.Nodes;

namespace Theta.Io;

/// <summary>
/// The container every Theta file shares: one safetensors file whose tensors are the weights and whose
/// <c>__metadata__["theta"]</c> is the architecture as JSON, with a format, a version and a kind
/// (<c>network</c> for <see cref="NetworkFile"/>; tabular models, regression networks and checkpoints write their own kinds).
/// Opening validates the layout against the file's size and the JSON's header; the kinds are read above this layer.
/// See docs/model-file.md.
/// </summary>
public static class ThetaFile
{
    internal const string Key = "theta";
    private const int Version = 1;

    /// <summary>
    /// Runs a reader of <paramref name="path"/>, turning what a hand-altered architecture can still raise
    /// from the JSON or the layers (a field of the wrong JSON kind, a setting a layer refuses) into one line naming the file.
    /// </summary>
    internal static T Guard<T>(string path, Func<T> read)
    {
        try { return read(); }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException or ArgumentException or ShapeException or JsonException)
        {
            throw new ModelFormatException($"{path}: the architecture is not what this Theta writes: {SafeText.Quote(e.Message.Split('\n')[0].TrimEnd(), 300)}");
        }
    }

    /// <summary>
    /// The shared start of reading any Theta model file: the safetensors layout (validated against
    /// the file's size), the architecture JSON under <c>__metadata__["theta"]</c>, its format and version.
    /// </summary>
    internal static (ArchReader Reader, IReadOnlyDictionary<string, string> Metadata) Open(string path)
    {
        if (Directory.Exists(path)) throw new ModelFormatException($"{path}: a folder, not a model file");
        if (!File.Exists(path)) throw new ModelFormatException($"{path}: no such model file");
        if (ForeignFormats.For(path) is not null)   // the callers that take other formats asked ForeignFormats first
            throw new ModelFormatException($"{path}: a {System.IO.Path.GetExtension(path)} file, but a Theta file is needed here (a checkpoint or model file; theta import converts it)");
        if (string.Equals(System.IO.Path.GetExtension(path), ".onnx", StringComparison.OrdinalIgnoreCase))
            throw new ModelFormatException($"{path}: an ONNX file, which the Theta.Onnx package reads: reference it and call Theta.Io.OnnxFile.Register() (the theta command does)");
        var (list, metadata) = SafeTensors.Read(path);
        var tensors = list.ToDictionary(t => t.Name, t => t.Value, StringComparer.Ordinal);
        if (!metadata.TryGetValue(Key, out var json))
            throw new ModelFormatException($"{path}: a safetensors file without Theta's architecture (__metadata__[\"{Key}\"]); not a Theta model");
        JsonObject arch;
        try { arch = JsonNode.Parse(json)?.AsObject() ?? throw new JsonException("null"); }
        catch (Exception e) when (e is JsonException or InvalidOperationException) { throw new ModelFormatException($"{path}: the architecture is not valid JSON ({e.Message})"); }

        var r = new ArchReader(path, arch, tensors);
        if (r.String("format") != "theta-model") throw r.Error("format", "expected \"theta-model\"");
        int version = r.Int("version");
        if (version != Version) throw r.Error("version", $"is {version}; this Theta reads version {Version}");
        return (r, metadata);
    }

    /// <summary>Writes the architecture header's common fields: format and version.</summary>
    internal static JsonObject Header(string kind) => new() { ["format"] = "theta-model", ["version"] = Version, ["kind"] = kind };
}

/// <summary>Typed access to the architecture JSON and the tensors, with errors naming the file and the field.</summary>
public sealed class ArchReader(string path, JsonObject arch, IReadOnlyDictionary<string, Tensor> tensors)
{
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public JsonObject Root => arch;

    /// <summary>The file the architecture came from (for error messages).</summary>
    public string Path => path;

    /// <summary>The number of floats in all the file's tensors: what an architecture may claim at most.</summary>
    public long TotalFloats => tensors.Values.Sum(t => (long)t.Size);

    public ModelFormatException Error(string field, string what) => new($"{path}: architecture field \"{field}\" {what}");

    public string String(string field) => Get(field) is JsonValue v && v.TryGetValue(out string? s) ? s : throw Error(field, "must be a string");
    public int Int(string field) => Get(field) is JsonValue v && v.TryGetValue(out int i) ? i : throw Error(field, "must be an integer");
    public double Double(string field) => Get(field) is JsonValue v && v.TryGetValue(out double x) ? x : throw Error(field, "must be a number");
    public bool Bool(string field) => Get(field) is JsonValue v && v.TryGetValue(out bool b) ? b : throw Error(field, "must be true or false");
    public JsonObject Object(string field) => Get(field) as JsonObject ?? throw Error(field, "must be an object");
    public string[] Strings(string field) =>
        Get(field) is JsonArray a && a.All(n => n is JsonValue v && v.TryGetValue(out string? _))
            ? a.Select(n => n!.GetValue<string>()).ToArray()
            : throw Error(field, "must be a list of strings");

    private JsonNode? Get(string field) => arch.TryGetPropertyValue(field, out var n) ? n : throw Error(field, "is missing");

    /// <summary>The tensor <paramref name="name"/>, which must have exactly <paramref name="shape"/>.</summary>
    public Tensor Tensor(string name, params int[] shape)
    {
        if (!tensors.TryGetValue(name, out var t))
            throw new ModelFormatException($"{path}: tensor \"{name}\" is missing; the architecture needs it with shape [{string.Join(", ", shape)}]");
        if (t.Shape != new Shape(shape))
            throw new ModelFormatException($"{path}: tensor \"{name}\" has shape {t.Shape}; the architecture needs [{string.Join(", ", shape)}]");
        _used.Add(name);
        return t;
    }

    /// <summary>Fails unless every tensor in the file was read (or is one <paramref name="ignore"/> accepts): a left-over tensor means an altered file or another model.</summary>
    public void CheckAllTensorsUsed(Func<string, bool>? ignore = null)
    {
        var extra = tensors.Keys.Where(k => !_used.Contains(k) && ignore?.Invoke(k) != true).Order().ToList();
        if (extra.Count > 0) throw new ModelFormatException($"{path}: tensors {string.Join(", ", extra.Select(e => $"\"{e}\""))} are not part of the architecture (altered file or another model)");
    }
}
