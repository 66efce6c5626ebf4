using System.Globalization;
using System.Text.RegularExpressions;

namespace Theta.Explain;

/// <summary>
/// One scalar parameter of a network, named as <see cref="Nn.Module.NamedParameters"/> plus an index:
/// <c>0.weight[3,5]</c> is W⁽¹⁾ row 3 (hidden unit j = 3), column 5 (input i = 5), the course's θ₅,₃;
/// <c>2.bias[0]</c> is the bias of output unit 0.
/// </summary>
/// <param name="Tensor">The parameter tensor's name (<c>0.weight</c>).</param>
/// <param name="Layer">The 0-based position of its Linear layer among the network's Linear layers.</param>
/// <param name="IsBias">True for a bias entry (then <paramref name="Input"/> is −1).</param>
/// <param name="Unit">j: the output unit of the layer (row of W).</param>
/// <param name="Input">i: the input of the layer (column of W).</param>
/// <param name="FlatIndex">The index into the tensor's data (row-major).</param>
public sealed partial record ParameterRef(string Tensor, int Layer, bool IsBias, int Unit, int Input, int FlatIndex)
{
    public override string ToString() => IsBias ? $"{Tensor}[{Unit}]" : $"{Tensor}[{Unit},{Input}]";

    [GeneratedRegex(@"^\s*(?<name>[0-9.]+\.(weight|bias))\s*(\[\s*(?<a>\d+)\s*(,\s*(?<b>\d+)\s*)?\])?\s*$")]
    private static partial Regex Pattern();

    /// <summary>Parses <paramref name="text"/> against the network's parameters; an unknown name or an index out of range lists the valid ones.</summary>
    internal static ParameterRef Parse(string text, DenseStack stack)
    {
        var m = Pattern().Match(text);
        int layer = -1;
        for (int l = 0; l < stack.Layers.Count && m.Success; l++)
        {
            string n = m.Groups["name"].Value;
            if (n == stack.Layers[l].Name + ".weight" || (n == stack.Layers[l].Name + ".bias" && stack.Layers[l].Linear.Bias is not null)) layer = l;
        }
        if (layer < 0) throw new ArgumentException($"explain: there is no parameter \"{text}\"; the parameters are {Valid(stack)}");
        var L = stack.Layers[layer];
        bool bias = m.Groups["name"].Value.EndsWith("bias", StringComparison.Ordinal);
        int Get(string g) => m.Groups[g].Success ? int.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture) : -1;
        int a = Get("a"), b = Get("b");
        if (!m.Groups["a"].Success) { a = 0; b = bias ? -1 : 0; }   // "0.weight" alone means its first entry
        bool ok = bias ? b < 0 && a < L.Out : b >= 0 && a < L.Out && b < L.In;
        if (!ok) throw new ArgumentException($"explain: \"{text}\" is out of range; the parameters are {Valid(stack)}");
        return new ParameterRef(m.Groups["name"].Value, layer, bias, a, bias ? -1 : b, bias ? a : a * L.In + b);
    }

    /// <summary>Every parameter of the network, one line: <c>0.weight[0..19, 0..21], 0.bias[0..19], …</c>.</summary>
    internal static string Valid(DenseStack stack) => string.Join(", ", stack.Layers.SelectMany(L =>
        L.Linear.Bias is null
            ? new[] { $"{L.Name}.weight[0..{L.Out - 1},0..{L.In - 1}]" }
            : [$"{L.Name}.weight[0..{L.Out - 1},0..{L.In - 1}]", $"{L.Name}.bias[0..{L.Out - 1}]"]));

    /// <summary>Every scalar parameter of the network, in the order of NamedParameters.</summary>
    internal static IEnumerable<ParameterRef> All(DenseStack stack)
    {
        for (int l = 0; l < stack.Layers.Count; l++)
        {
            var L = stack.Layers[l];
            for (int j = 0; j < L.Out; j++)
                for (int i = 0; i < L.In; i++) yield return new ParameterRef(L.Name + ".weight", l, false, j, i, j * L.In + i);
            if (L.Linear.Bias is not null)
                for (int j = 0; j < L.Out; j++) yield return new ParameterRef(L.Name + ".bias", l, true, j, -1, j);
        }
    }
}
