using P = global::Onnx;

namespace Theta.Io;

/// <summary>
/// Constant folding of the shape arithmetic exporters write around a flatten: PyTorch's
/// <c>x.view(x.size(0), -1)</c> becomes Shape(x) → Gather(0) → Unsqueeze → Concat([·, −1]) → Reshape.
/// With every size but the batch fixed, each of these nodes has a known value (the batch as
/// <see cref="OnnxConstant.Batch"/>), so the Reshape's target is a constant the importer can read.
/// Folds Constant, Shape, Gather, Unsqueeze, Squeeze, Concat, Slice, Cast and Identity over int64 values.
/// </summary>
internal static class OnnxFolding
{
    public static readonly IReadOnlySet<string> Ops = new HashSet<string>(StringComparer.Ordinal)
        { "Constant", "Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Slice", "Cast", "Identity" };

    /// <summary>The value of a Constant node.</summary>
    public static OnnxConstant Constant(P.NodeProto node, string where)
    {
        foreach (var a in node.Attribute)
            switch (a.Name)
            {
                case "value": return OnnxConstant.From(a.T, where);
                case "value_float": return new OnnxConstant([], Floats: [a.F]);
                case "value_floats": return new OnnxConstant([a.Floats.Count], Floats: [.. a.Floats]);
                case "value_int": return new OnnxConstant([], Longs: [a.I]);
                case "value_ints": return new OnnxConstant([a.Ints.Count], Longs: [.. a.Ints]);
            }
        throw new ModelFormatException($"{where}: the Constant has no value Theta reads (value, value_float(s), value_int(s))");
    }

    /// <summary>Shape of a value [batch, example…], with opset 15's start and end.</summary>
    public static OnnxConstant Shape(P.NodeProto node, int[] example)
    {
        long[] dims = [OnnxConstant.Batch, .. example.Select(d => (long)d)];
        long start = Attr(node, "start", 0), end = Attr(node, "end", dims.Length);
        int s = (int)Math.Clamp(start < 0 ? start + dims.Length : start, 0, dims.Length), e = (int)Math.Clamp(end < 0 ? end + dims.Length : end, 0, dims.Length);
        var v = dims[s..Math.Max(s, e)];
        return new OnnxConstant([v.Length], Longs: v);
    }

    /// <summary>Folds one node whose inputs are all known integer constants; null when the op is not one Theta folds.</summary>
    public static OnnxConstant? Fold(P.NodeProto node, IReadOnlyList<OnnxConstant?> inputs, int opset)
    {
        var x = inputs[0];
        if (x?.Longs is not { } v) return node.OpType is "Identity" or "Cast" && x is not null ? x : null;
        switch (node.OpType)
        {
            case "Identity":
            case "Cast": return x;
            case "Gather":
                {
                    if (x.Dims.Length != 1 || inputs[1]?.Longs is not { } idx) return null;
                    var r = idx.Select(i => v[i < 0 ? i + v.Length : i]).ToArray();
                    return new OnnxConstant(inputs[1]!.Dims, Longs: r);
                }
            case "Unsqueeze":
            case "Squeeze":
                {
                    var axes = opset >= 13 ? (inputs.Count > 1 ? inputs[1]?.Longs : null) : Ints(node, "axes");
                    var dims = x.Dims.ToList();
                    if (node.OpType == "Squeeze") dims = axes is null ? dims.Where(d => d != 1).ToList() : dims.Where((d, i) => !axes.Contains(i) && !axes.Contains(i - dims.Count)).ToList();
                    else foreach (long a in (axes ?? []).Select(a => a < 0 ? a + x.Dims.Length + axes!.Length : a).Order()) dims.Insert((int)a, 1);
                    return new OnnxConstant([.. dims], Longs: v);
                }
            case "Concat":
                if (inputs.Any(i => i?.Longs is null || i.Dims.Length != 1)) return null;
                var all = inputs.SelectMany(i => i!.Longs!).ToArray();
                return new OnnxConstant([all.Length], Longs: all);
            case "Slice":
                {
                    if (x.Dims.Length != 1 || opset < 10 || inputs.Count < 3 || inputs[1]?.Longs is not [var start] || inputs[2]?.Longs is not [var end]) return null;
                    if (inputs.Count > 4 && inputs[4]?.Longs is { } steps && steps is not [1]) return null;
                    int n = v.Length;
                    int s = (int)Math.Clamp(start < 0 ? start + n : start, 0, n), e = (int)Math.Clamp(end < 0 ? end + n : end, 0, n);
                    var r = v[s..Math.Max(s, e)];
                    return new OnnxConstant([r.Length], Longs: r);
                }
            default: return null;
        }
    }

    public static long Attr(P.NodeProto node, string name, long fallback) => node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.I : fallback;
    public static long[]? Ints(P.NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? [.. a.Ints] : null;
}
