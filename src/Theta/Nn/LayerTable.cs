using System.Reflection;

namespace Theta.Nn;

/// <summary>
/// One layer's described fields (its <see cref="Module.Describe"/> entry) as a reader of a network description sees them:
/// each accessor checks its field and reports a missing or invalid one with the file, the layer and the field.
/// </summary>
public interface ILayerFields
{
    /// <summary>An integer field.</summary>
    int Int(string field);
    /// <summary>An integer field in [<paramref name="min"/>, <paramref name="below"/>).</summary>
    int Int(string field, int min, int below = int.MaxValue);
    bool Bool(string field);
    float Float(string field);
    /// <summary>The nested layers of a container (a <see cref="Sequential"/>'s <c>layers</c>), each rebuilt.</summary>
    Module[] Layers();
    /// <summary>
    /// A layer with a weight of <paramref name="dims"/> (and dims[1] biases): the reader checks the count against the weights
    /// its file holds before <paramref name="make"/> allocates anything.
    /// </summary>
    Module Weighted(int[] dims, bool bias, Func<int[], bool, Module> make);
}

/// <summary>
/// The layer types a network description may name, each rebuilt by its class's own
/// <c>internal static Module Rebuild(ILayerFields f)</c>, written beside the class's <c>AddDescription</c>: a new layer
/// is registered by giving it that method, nowhere else. The table is made once from this library's classes; a
/// description's type name is only a key into it, and nothing named in a file is looked up by reflection or executed.
/// The rebuilt parameters are placeholders (drawn from <c>Rng(0)</c>) until the reader fills them.
/// </summary>
public static class LayerTable
{
    private static readonly Dictionary<string, Func<ILayerFields, Module>> Builders = typeof(Module).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(Module)) && !t.IsAbstract)
        .Select(t => (t.Name, Method: t.GetMethod("Rebuild", BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public, [typeof(ILayerFields)])))
        .Where(x => x.Method is not null && x.Method.ReturnType.IsAssignableTo(typeof(Module)))
        .OrderBy(x => x.Name, StringComparer.Ordinal)
        .ToDictionary(x => x.Name, x => x.Method!.CreateDelegate<Func<ILayerFields, Module>>(), StringComparer.Ordinal);

    /// <summary>The layer types a description may name.</summary>
    public static IReadOnlyCollection<string> Types => Builders.Keys;

    /// <summary>How to rebuild a layer of <paramref name="type"/>, or null for a type this library does not have.</summary>
    public static Func<ILayerFields, Module>? Find(string type) => Builders.GetValueOrDefault(type);

    /// <summary>The dotted path of a parameter's layer and the layer's type: <c>"2.weight"</c> → ("2", "Linear").</summary>
    public static (string Path, string Type) LayerOf(Module model, string parameterName)
    {
        var parts = parameterName.Split('.');
        Module m = model;
        foreach (var part in parts[..^1])
            m = m.NamedChildren().FirstOrDefault(c => c.Name == part).Module ?? m;
        return (string.Join('.', parts[..^1]), m.TypeName);
    }
}
