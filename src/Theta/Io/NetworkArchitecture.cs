using System.Collections;
using System.Globalization;
using System.Text.Json.Nodes;
using Theta.Nn;

namespace Theta.Io;

/// <summary>
/// A network's architecture as JSON, both ways. Writing serialises <see cref="Module.Describe"/>
/// (<c>{"type": "Sequential", "layers": [{"type": "Linear", "in": 784, "out": 10, "bias": true}, …]}</c>).
/// Reading rebuilds the layers from <see cref="LayerTable"/>, each constructor fed only the
/// described numbers: nothing named in the file is looked up by reflection or executed.
/// The rebuilt parameters are placeholders (drawn from <c>Rng(0)</c>) until
/// <see cref="LoadWeights"/> fills them from the file's tensors.
/// </summary>
public static class NetworkArchitecture
{
    /// <summary>The layer types a file may name (<see cref="LayerTable"/>).</summary>
    public static IReadOnlyCollection<string> KnownTypes => LayerTable.Types;

    /// <summary><paramref name="model"/>'s <see cref="Module.Describe"/> as a JSON object.</summary>
    public static JsonObject ToJson(Module model) => (JsonObject)ToJson((object)model.Describe());

    private static JsonNode ToJson(object value) => value switch
    {
        IReadOnlyDictionary<string, object> d => new JsonObject(d.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)ToJson(kv.Value)))),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        float f => JsonValue.Create(f),
        double x => JsonValue.Create(x),
        IEnumerable list => new JsonArray(list.Cast<object>().Select(ToJson).ToArray()),
        _ => throw new NotSupportedException($"NetworkArchitecture: cannot write a {value.GetType().Name} in a layer description"),
    };

    /// <summary>
    /// Rebuilds a module from its description. <paramref name="file"/> prefixes every error;
    /// <paramref name="maxWeights"/> (the number of floats the file holds) bounds the parameters a
    /// description may ask for, so an altered size cannot make the reader allocate gigabytes.
    /// </summary>
    /// <exception cref="ModelFormatException">An unknown type, a missing or invalid field, or sizes the weights cannot back.</exception>
    public static Module Build(JsonNode? description, string file, long maxWeights = long.MaxValue)
        => Build(description, file, "", [maxWeights]);

    // path is the layer's dotted name ("" for the whole network, "2", "0.1"); budget[0] the floats not yet claimed.
    private static Module Build(JsonNode? node, string file, string path, long[] budget)
    {
        string where = path.Length == 0 ? "the network" : $"layer {path}";
        if (node is not JsonObject o) throw new ModelFormatException($"{file}: {where} must be an object with a \"type\"");
        var type = o["type"] is JsonValue tv && tv.TryGetValue(out string? t) ? t : throw new ModelFormatException($"{file}: {where} has no \"type\"");
        var build = LayerTable.Find(type)
            ?? throw new ModelFormatException($"{file}: {where} has type \"{SafeText.Quote(type)}\", which is not a layer this Theta knows ({string.Join(", ", LayerTable.Types)})");
        var f = new Fields(file, path, $"{where} ({type})", o, budget);
        try { return build(f); }
        catch (ArgumentException e) { throw new ModelFormatException($"{file}: {where} ({type}) has invalid settings: {e.Message.Split(Environment.NewLine)[0]}"); }
    }

    /// <summary>Typed access to one layer's fields, with errors naming the file, the layer and the field.</summary>
    private sealed class Fields(string file, string path, string where, JsonObject o, long[] budget) : ILayerFields
    {
        private ModelFormatException Error(string field, string what) => new($"{file}: {where}: field \"{field}\" {what}");

        public int Int(string field) => o[field] is JsonValue v && v.TryGetValue(out int i) ? i : throw Error(field, "must be an integer");

        // An integer in [min, below): padding below the kernel (a wider border adds only zeros), stride at least 1.
        public int Int(string field, int min, int below = int.MaxValue)
        {
            int i = Int(field);
            if (i < min || i >= below)
                throw Error(field, $"is {i}; expected {(below == int.MaxValue ? $"at least {min}" : $"{min} to {below - 1}")}");
            return i;
        }
        public bool Bool(string field) => o[field] is JsonValue v && v.TryGetValue(out bool b) ? b : throw Error(field, "must be true or false");
        public float Float(string field) => o[field] is JsonValue v && v.TryGetValue(out float x) ? x : throw Error(field, "must be a number");

        public Module[] Layers()
        {
            if (o["layers"] is not JsonArray a || a.Count == 0) throw Error("layers", "must be a non-empty list of layers");
            return [.. a.Select((n, i) => Build(n, file, path.Length == 0 ? $"{i}" : $"{path}.{i}", budget))];
        }

        // Checks the weight count [dims] (+ dims[1] biases) against the floats left in the file before allocating.
        public Module Weighted(int[] dims, bool bias, Func<int[], bool, Module> make)
        {
            if (dims.Any(d => d < 1)) throw new ModelFormatException($"{file}: {where}: sizes [{string.Join(", ", dims)}] must be positive");
            long count = dims.Aggregate(1L, (p, d) => p * d) + (bias ? dims[1] : 0);
            if (count > budget[0])
                throw new ModelFormatException($"{file}: {where} needs {count.ToString(CultureInfo.InvariantCulture)} weights but the file holds only {budget[0].ToString(CultureInfo.InvariantCulture)} more (altered architecture or truncated file)");
            budget[0] -= count;
            return make(dims, bias);
        }
    }

    /// <summary>
    /// Fills every parameter of <paramref name="model"/> from the tensor of the same name, which
    /// (after <paramref name="prefix"/>) must exist with exactly the parameter's shape (a <see cref="ModelFormatException"/> otherwise).
    /// </summary>
    public static void LoadWeights(Module model, ArchReader reader, string prefix = "")
    {
        foreach (var (name, p) in model.NamedParameters())
            reader.Tensor(prefix + name, p.Shape.Dims.ToArray()).Data.CopyTo(p.Data);
    }
}
