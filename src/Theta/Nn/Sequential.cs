namespace Theta.Nn;

/// <summary>
/// Layers applied in order: y = f_n(… f_2(f_1(x))). The layers are named <c>0, 1, 2, …</c>, so
/// parameters read <c>0.weight</c>, <c>2.bias</c>.
/// </summary>
public sealed class Sequential : Module
{
    private readonly Module[] _layers;

    public Sequential(params Module[] layers)
    {
        if (layers.Length == 0) throw new ArgumentException("Sequential: give at least one layer", nameof(layers));
        _layers = [.. layers];
        for (int i = 0; i < _layers.Length; i++) RegisterModule(i.ToString(System.Globalization.CultureInfo.InvariantCulture), _layers[i]);
    }

    /// <summary>The layers, in order.</summary>
    public IReadOnlyList<Module> Layers => _layers;

    /// <summary>Layer <paramref name="index"/>.</summary>
    public Module this[int index] => _layers[index];

    /// <summary>Number of layers.</summary>
    public int Count => _layers.Length;

    public override Tensor Forward(Tensor x)
    {
        foreach (var layer in _layers) x = layer.Forward(x);
        return x;
    }

    protected override void AddDescription(IDictionary<string, object> d)
        => d["layers"] = _layers.Select(l => l.Describe()).ToList();

    internal static Module Rebuild(ILayerFields f) => new Sequential(f.Layers());
}
