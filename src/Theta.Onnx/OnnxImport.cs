using Google.Protobuf;
using Theta.Data;
using Theta.Nn;
using DataType = global::Onnx.TensorProto.Types.DataType;
using P = global::Onnx;

namespace Theta.Io;

/// <summary>What an ONNX file held: its layers, one example's input shape, a leading standardisation (Theta's tabular exports) and the metadata.</summary>
internal sealed record ImportedGraph(Sequential Network, int[] Example, Standardizer? Standardizer, IReadOnlyDictionary<string, string> Metadata, int Opset);

/// <summary>
/// Reads an ONNX graph that is a chain of layers, as <c>torch.onnx.export</c> writes a Sequential:
/// one float input [batch, fixed sizes…], one output, and nodes that each take the running value (and
/// constants): Gemm, MatMul (+ Add) → Linear; Conv → Conv2d; MaxPool → MaxPool2d; Flatten and Reshape to
/// [batch, −1] → Flatten; Relu, LeakyRelu, Sigmoid, Tanh, Softmax, LogSoftmax; Dropout; Identity (dropped).
/// Shape arithmetic is folded (<see cref="OnnxFolding"/>). Anything else fails with one line naming the
/// node, its op type and the opset. Weights are copied bit for bit from the initializers.
/// </summary>
internal sealed class OnnxImport
{
    /// <summary>The newest ONNX opset whose operators this importer has been written against.</summary>
    public const int MaxOpset = 21;

    /// <summary>The most values one input example may have (2²⁶: a 4,096 × 4,096 × 4 image).</summary>
    public const long MaxExample = 1L << 26;

    private const string Supported = "Gemm, MatMul (+ Add), Conv, MaxPool, Relu, LeakyRelu, Sigmoid, Tanh, Softmax, LogSoftmax, Flatten, Reshape, Dropout, Identity";

    private readonly string _path;
    private readonly P.GraphProto _graph;
    private readonly int _opset;
    private readonly Dictionary<string, OnnxConstant> _consts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _uses = new(StringComparer.Ordinal);
    private readonly List<Module> _layers = [];
    private Standardizer? _standardizer;
    private string _cur;
    private int[] _example;   // the running value's shape without the batch axis
    private readonly int[] _inputExample;
    private long? _fixedBatch; // the input's batch size when the file fixes it (PyTorch without dynamic axes: 1)

    private OnnxImport(string path, P.ModelProto model)
    {
        _path = path;
        _graph = model.Graph ?? throw new ModelFormatException($"{path}: the ONNX model has no graph (truncated or not a model file)");
        var opsets = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").ToList();
        if (opsets.Count == 0) throw new ModelFormatException($"{path}: the model imports no opset of the standard ONNX domain (truncated or not a model file)");
        _opset = (int)opsets.Max(o => o.Version);
        if (_opset > MaxOpset)
            throw new ModelFormatException($"{path}: the model uses ONNX opset {_opset}; this Theta reads opsets up to {MaxOpset} (export it with an older opset, e.g. torch.onnx.export(..., opset_version={MaxOpset}))");
        foreach (var t in _graph.Initializer) _consts[t.Name] = OnnxConstant.From(t, $"{path}: initializer \"{t.Name}\"");
        // Who reads each value; a Shape node reads only the (fixed) sizes, so it does not branch the data.
        foreach (var n in _graph.Node.Where(n => n.OpType != "Shape")) foreach (var i in n.Input) _uses[i] = _uses.GetValueOrDefault(i) + 1;

        var inputs = _graph.Input.Where(i => !_consts.ContainsKey(i.Name)).ToList();
        if (inputs.Count != 1)
            throw new ModelFormatException($"{path}: the graph has {inputs.Count} inputs ({string.Join(", ", inputs.Select(i => $"\"{i.Name}\""))}); Theta imports networks with exactly one");
        if (_graph.Output.Count != 1)
            throw new ModelFormatException($"{path}: the graph has {_graph.Output.Count} outputs ({string.Join(", ", _graph.Output.Select(o => $"\"{o.Name}\""))}); Theta imports networks with exactly one");
        (_cur, _example) = Input(inputs[0]);
        _inputExample = _example;
    }

    /// <summary>Parses the ONNX file at <paramref name="path"/> (the schema only; <see cref="Convert"/> reads the graph).</summary>
    public static P.ModelProto Parse(string path)
    {
        if (!File.Exists(path)) throw new ModelFormatException($"{path}: no such model file");
        try { return P.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)); }
        catch (InvalidProtocolBufferException e) { throw new ModelFormatException($"{path}: not a readable ONNX model (truncated or another format): {e.Message}"); }
    }

    /// <summary>The metadata_props as a dictionary (the last entry wins for a repeated key).</summary>
    public static Dictionary<string, string> Metadata(P.ModelProto model) =>
        model.MetadataProps.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);

    /// <summary>Converts a parsed model's graph into layers.</summary>
    public static ImportedGraph Convert(string path, P.ModelProto model)
    {
        var import = new OnnxImport(path, model);
        import.Walk();
        if (import._layers.Count == 0) throw new ModelFormatException($"{path}: the graph has no layers Theta can import (its output is its input)");
        return new ImportedGraph(new Sequential([.. import._layers]), import._inputExample, import._standardizer, Metadata(model), import._opset);
    }

    // The graph input: float32, [batch, fixed positive sizes…].
    private (string Name, int[] Example) Input(P.ValueInfoProto input)
    {
        string where = $"{_path}: input \"{input.Name}\"";
        if (input.Type?.TensorType is not { } tt) throw new ModelFormatException($"{where} is not a tensor");
        if ((DataType)tt.ElemType != DataType.Float) throw new ModelFormatException($"{where} has element type {(DataType)tt.ElemType}; Theta's networks take float32");
        var dims = tt.Shape?.Dim ?? throw new ModelFormatException($"{where} has no shape; Theta needs every size but the batch fixed");
        if (dims.Count < 2) throw new ModelFormatException($"{where} has rank {dims.Count}; Theta needs a batch axis and at least one more");
        var example = new int[dims.Count - 1];
        for (int a = 1; a < dims.Count; a++)
        {
            var d = dims[a];
            if (d.ValueCase != P.TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue || d.DimValue < 1 || d.DimValue > int.MaxValue)
                throw new ModelFormatException($"{where}: axis {a} has the dynamic size \"{(d.ValueCase == P.TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam ? d.DimParam : "?")}\"; Theta needs every size but the batch (axis 0) fixed (export with a fixed example shape)");
            example[a - 1] = (int)d.DimValue;
        }
        // The importer runs one zero example through each layer to follow the shapes: bound it, so an altered file cannot ask for gigabytes.
        long size = example.Aggregate(1L, (a, d) => a * d);
        if (size > MaxExample) throw new ModelFormatException($"{where} has {size:N0} values per example; Theta imports networks of at most {MaxExample:N0} (altered file?)");
        if (dims[0].ValueCase == P.TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue) _fixedBatch = dims[0].DimValue;
        return (input.Name, example);
    }

    private void Walk()
    {
        var skip = new HashSet<P.NodeProto>();
        for (int k = 0; k < _graph.Node.Count; k++)
        {
            var node = _graph.Node[k];
            if (skip.Contains(node)) continue;
            if (node.Domain is not ("" or "ai.onnx")) throw Unsupported(node, $"its domain \"{node.Domain}\" is not the standard one");
            var inputs = node.Input.Select(i => i.Length == 0 ? null : _consts.GetValueOrDefault(i)).ToList();
            if (node.OpType == "Constant") { _consts[node.Output[0]] = OnnxFolding.Constant(node, Where(node)); continue; }
            if (node.OpType == "Shape" && node.Input[0] == _cur) { _consts[node.Output[0]] = OnnxFolding.Shape(node, _example); continue; }
            bool onCur = node.Input.Count > 0 && node.Input[0] == _cur;
            if (!onCur && node.Input.All(i => i.Length == 0 || _consts.ContainsKey(i)))
            {
                var folded = OnnxFolding.Ops.Contains(node.OpType) ? OnnxFolding.Fold(node, inputs, _opset) : null;
                _consts[node.Output[0]] = folded ?? throw Unsupported(node, "it computes on constants in a way Theta does not fold (Theta folds Shape, Gather, Unsqueeze, Squeeze, Concat, Slice, Cast)");
                continue;
            }
            if (!onCur)
                throw Unsupported(node, node.Input.Contains(_cur)
                    ? $"it takes the running value \"{_cur}\" in another place than its first input"
                    : $"it takes \"{node.Input.FirstOrDefault(i => i.Length > 0 && !_consts.ContainsKey(i))}\", which is not the running value: Theta imports chains of layers (a Sequential), not branches");
            if (node.Input.Skip(1).Any(i => i.Length > 0 && !_consts.ContainsKey(i)))
                throw Unsupported(node, "its other inputs are not constants: Theta imports chains of layers (a Sequential), not branches");
            if (_uses.GetValueOrDefault(_cur) > 1)
                throw Unsupported(node, $"the value \"{_cur}\" it reads goes to {_uses[_cur]} nodes; Theta imports chains of layers (a Sequential), not branches");
            foreach (var extra in node.Output.Skip(1))
                if (extra.Length > 0 && _uses.ContainsKey(extra)) throw Unsupported(node, $"its second output \"{extra}\" is used; Theta's layers give one output");
            Layer(node, inputs, skip);
            _cur = node.Output[0];
        }
        if (_cur != _graph.Output[0].Name)
            throw new ModelFormatException($"{_path}: the chain of layers ends in \"{_cur}\", but the graph's output is \"{_graph.Output[0].Name}\" (a graph Theta cannot follow as a Sequential)");
    }

    private void Layer(P.NodeProto node, List<OnnxConstant?> inputs, HashSet<P.NodeProto> skip)
    {
        int rank = _example.Length + 1;
        switch (node.OpType)
        {
            case "Gemm":
                {
                    if (OnnxFolding.Attr(node, "transA", 0) != 0) throw Unsupported(node, "transA = 1 (a transposed input)");
                    if (rank != 2) throw Unsupported(node, $"its input has rank {rank}; Gemm takes [batch, features]");
                    var b = Weight(node, inputs, 1, 2);
                    bool transB = OnnxFolding.Attr(node, "transB", 0) != 0;
                    int outF = (int)(transB ? b.Dims[0] : b.Dims[1]), inF = (int)(transB ? b.Dims[1] : b.Dims[0]);
                    var w = transB ? b.Floats! : Transpose(b.Floats!, inF, outF);
                    float alpha = FloatAttr(node, "alpha", 1f), beta = FloatAttr(node, "beta", 1f);
                    if (alpha != 1f) w = w.Select(v => v * alpha).ToArray();
                    float[]? bias = null;
                    if (inputs.Count > 2 && inputs[2] is { } c)
                    {
                        if (c.Floats is null || (c.Size != outF && c.Size != 1)) throw Unsupported(node, $"its bias C has shape [{string.Join(", ", c.Dims)}]; [{outF}] was expected");
                        bias = c.Size == outF ? [.. c.Floats] : Enumerable.Repeat(c.Floats[0], outF).ToArray();
                        if (beta != 1f) bias = bias.Select(v => v * beta).ToArray();
                    }
                    AddLinear(node, inF, outF, w, bias);
                    return;
                }
            case "MatMul":
                {
                    var b = Weight(node, inputs, 1, 2);
                    int inF = (int)b.Dims[0], outF = (int)b.Dims[1];
                    float[]? bias = null;
                    // A following Add of a constant [out] is the bias (PyTorch's Linear on a rank > 2 input, or opset < 9 files).
                    var next = _uses.GetValueOrDefault(node.Output[0]) == 1 ? _graph.Node.FirstOrDefault(n => n.Input.Contains(node.Output[0])) : null;
                    // (PyTorch writes Add(bias, product); either order is the same sum.)
                    string? other = next is { OpType: "Add", Input.Count: 2 } ? (next.Input[0] == node.Output[0] ? next.Input[1] : next.Input[1] == node.Output[0] ? next.Input[0] : null) : null;
                    if (other is not null && _consts.TryGetValue(other, out var c) && c.Floats is not null && c.Size == outF && c.Dims[^1] == outF)
                    {
                        bias = [.. c.Floats];
                        skip.Add(next!);
                        AddLinear(node, inF, outF, Transpose(b.Floats!, inF, outF), bias);
                        node.Output[0] = next!.Output[0];
                        return;
                    }
                    AddLinear(node, inF, outF, Transpose(b.Floats!, inF, outF), bias);
                    return;
                }
            case "Sub" when _layers.Count == 0 && _standardizer is null:
                {
                    // Theta's tabular export: (x − μ) / σ as Sub then Div by constants [d].
                    var div = _graph.Node.FirstOrDefault(n => n.Input.Contains(node.Output[0]));
                    if (rank != 2 || inputs[1]?.Floats is not { } mean || mean.Length != _example[0] || div is not { OpType: "Div" } || div.Input[0] != node.Output[0]
                        || !_consts.TryGetValue(div.Input[1], out var std) || std.Floats is not { } s || s.Length != _example[0])
                        throw Unsupported(node, "Theta reads Sub only as the start of a standardisation (x − μ) / σ by constants over the features");
                    _standardizer = new Standardizer([.. mean], [.. s]);
                    skip.Add(div);
                    node.Output[0] = div.Output[0];
                    return;
                }
            case "Conv":
                {
                    var w = Weight(node, inputs, 1, 4);
                    if (rank != 4) throw Unsupported(node, $"its input has rank {rank}; Theta's Conv2d takes [batch, channels, height, width]");
                    if (OnnxFolding.Attr(node, "group", 1) != 1) throw Unsupported(node, "group ≠ 1 (grouped or depthwise convolution)");
                    int O = (int)w.Dims[0], C = (int)w.Dims[1], k = Square(node, w.Dims[2], w.Dims[3]);
                    if (C != _example[0]) throw Unsupported(node, $"its weight takes {C} channels but the input has {_example[0]}");
                    var (stride, pad) = Window(node, k);
                    var conv = Build(node, () => new Conv2d(C, O, k, new Rng(0), stride, pad, bias: inputs.Count > 2 && inputs[2] is not null));
                    w.Floats!.CopyTo(conv.Weight.Data);
                    if (conv.Bias is { } cb)
                    {
                        if (inputs[2]!.Floats is not { } bv || bv.Length != O) throw Unsupported(node, $"its bias is not [{O}] floats");
                        bv.CopyTo(cb.Data);
                    }
                    Add(node, conv);
                    return;
                }
            case "MaxPool":
                {
                    if (rank != 4) throw Unsupported(node, $"its input has rank {rank}; Theta's MaxPool2d takes [batch, channels, height, width]");
                    var ks = OnnxFolding.Ints(node, "kernel_shape") ?? throw Unsupported(node, "it has no kernel_shape");
                    if (ks.Length != 2) throw Unsupported(node, $"kernel_shape has {ks.Length} axes; Theta pools 2-D");
                    int k = Square(node, ks[0], ks[1]);
                    var (stride, pad) = Window(node, k);
                    if (OnnxFolding.Attr(node, "ceil_mode", 0) != 0 && _example.Skip(1).Any(d => (d + 2 * pad - k) % stride != 0))
                        throw Unsupported(node, "ceil_mode = 1 where it changes the output size");
                    Add(node, Build(node, () => new MaxPool2d(k, stride, pad)));
                    return;
                }
            case "Flatten":
                {
                    long axis = OnnxFolding.Attr(node, "axis", 1);
                    if (axis < 0) axis += rank;
                    if (axis != 1) throw Unsupported(node, $"axis {axis}; Theta flattens everything after the batch (axis 1)");
                    Add(node, new Flatten());
                    return;
                }
            case "Reshape":
                {
                    if (inputs.Count < 2 || inputs[1]?.Longs is not { } target) throw Unsupported(node, "its target shape is not a constant (nor shape arithmetic Theta folds)");
                    long rest = _example.Aggregate(1L, (a, d) => a * d);
                    bool batchFirst = target.Length > 0 && (target[0] == OnnxConstant.Batch || target[0] == 0 || (_fixedBatch is { } fb && target[0] == fb)
                        || (target[0] == -1 && target.Skip(1).All(t => t > 0) && target.Skip(1).Aggregate(1L, (a, d) => a * d) == rest));
                    bool flat = target.Length == 2 && batchFirst && (target[1] == -1 || target[1] == rest);
                    if (flat) { if (rank != 2) Add(node, new Flatten()); return; }
                    bool same = batchFirst && target.Length == rank && target.Skip(1).Select((t, i) => t == 0 || t == _example[i]).All(b => b);
                    if (same) return;
                    throw Unsupported(node, $"it reshapes [batch, {string.Join(", ", _example)}] to [{string.Join(", ", target.Select(t => t == OnnxConstant.Batch ? "batch" : t.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]; Theta reshapes only to [batch, −1] (a Flatten)");
                }
            case "Relu": Add(node, new ReLU()); return;
            case "Sigmoid": Add(node, new Sigmoid()); return;
            case "Tanh": Add(node, new Tanh()); return;
            case "LeakyRelu": Add(node, new LeakyReLU(FloatAttr(node, "alpha", 0.01f))); return;
            case "Softmax":
            case "LogSoftmax":
                {
                    long axis = OnnxFolding.Attr(node, "axis", _opset >= 13 ? -1 : 1);
                    if (axis < 0) axis += rank;
                    if (axis < 0 || axis >= rank) throw Unsupported(node, $"axis {axis} is out of range for rank {rank}");
                    // Before opset 13 the op flattened from the axis on: the same as Theta's only on the last axis.
                    if (_opset < 13 && axis != rank - 1) throw Unsupported(node, $"axis {axis} before opset 13 means a softmax over axes {axis}… together");
                    int a = axis == rank - 1 ? -1 : (int)axis;
                    Add(node, node.OpType == "Softmax" ? new Softmax(a) : new LogSoftmax(a));
                    return;
                }
            case "Dropout":
                {
                    float ratio = _opset >= 12 ? (inputs.Count > 1 && inputs[1]?.Floats is [var r] ? r : 0.5f) : FloatAttr(node, "ratio", 0.5f);
                    if (inputs.Count > 2 && inputs[2] is { } mode && (mode.Longs ?? []).Any(v => v != 0)) throw Unsupported(node, "training_mode is on");
                    Add(node, Build(node, () => new Dropout(ratio, new Rng(0))));
                    return;
                }
            case "Identity":
                return;
            default:
                throw Unsupported(node, $"Theta's importer reads {Supported}");
        }
    }

    // The constant weight at input i with the given rank (float32).
    private OnnxConstant Weight(P.NodeProto node, List<OnnxConstant?> inputs, int i, int rank)
    {
        if (inputs.Count <= i || inputs[i] is not { Floats: not null } w) throw Unsupported(node, $"its input {i} (\"{(node.Input.Count > i ? node.Input[i] : "")}\") is not a constant float tensor (initializer)");
        if (w.Dims.Length != rank || w.Dims.Any(d => d < 1)) throw Unsupported(node, $"its weight has shape [{string.Join(", ", w.Dims)}]; rank {rank} was expected");
        return w;
    }

    private void AddLinear(P.NodeProto node, int inF, int outF, float[] w, float[]? bias)
    {
        if (_example[^1] != inF) throw Unsupported(node, $"its weight takes {inF} features but the input has {_example[^1]}");
        var l = new Linear(inF, outF, new Rng(0), bias: bias is not null);
        w.CopyTo(l.Weight.Data);
        bias?.CopyTo(l.Bias!.Data);
        Add(node, l);
    }

    // Appends a layer and moves the running shape on (a forward pass of one zero example: shapes and the layer's own checks).
    private void Add(P.NodeProto node, Module layer)
    {
        try
        {
            using var _ = Autograd.NoGrad();
            layer.Eval();
            _example = layer.Forward(Tensor.Zeros([1, .. _example])).Shape.Dims[1..].ToArray();
        }
        catch (ShapeException e) { throw Unsupported(node, e.Message); }
        _layers.Add(layer);
    }

    private T Build<T>(P.NodeProto node, Func<T> make)
    {
        try { return make(); }
        catch (ArgumentException e) { throw Unsupported(node, e.Message.Split(Environment.NewLine)[0]); }
    }

    private int Square(P.NodeProto node, long h, long w) =>
        h == w ? (int)h : throw Unsupported(node, $"its kernel is {h}×{w}; Theta's kernels are square");

    // Strides and pads of a 2-D window: equal on both axes and all sides, no dilation; auto_pad NOTSET, VALID or SAME with stride 1.
    private (int Stride, int Pad) Window(P.NodeProto node, int k)
    {
        var strides = OnnxFolding.Ints(node, "strides") ?? [1, 1];
        var pads = OnnxFolding.Ints(node, "pads") ?? [0, 0, 0, 0];
        var dil = OnnxFolding.Ints(node, "dilations") ?? [1, 1];
        if (dil.Any(d => d != 1)) throw Unsupported(node, $"dilations [{string.Join(", ", dil)}]; Theta's windows are not dilated");
        if (strides.Length != 2 || strides[0] != strides[1]) throw Unsupported(node, $"strides [{string.Join(", ", strides)}]; Theta uses one stride for both axes");
        var autoPad = node.Attribute.FirstOrDefault(a => a.Name == "auto_pad")?.S.ToStringUtf8() ?? "NOTSET";
        if (autoPad is "SAME_UPPER" or "SAME_LOWER")
        {
            if (strides[0] != 1 || k % 2 == 0) throw Unsupported(node, $"auto_pad {autoPad} with stride {strides[0]} and kernel {k} pads unevenly");
            pads = [(k - 1) / 2, (k - 1) / 2, (k - 1) / 2, (k - 1) / 2];
        }
        else if (autoPad == "VALID") pads = [0, 0, 0, 0];
        else if (autoPad is not ("NOTSET" or "")) throw Unsupported(node, $"auto_pad {autoPad}");
        if (pads.Length != 4 || pads.Any(p => p != pads[0])) throw Unsupported(node, $"pads [{string.Join(", ", pads)}]; Theta pads every side alike");
        if (pads[0] < 0 || pads[0] >= k || strides[0] < 1) throw Unsupported(node, $"pads {pads[0]} and stride {strides[0]} for a kernel of {k}; Theta reads 0 ≤ pad < kernel and stride ≥ 1");
        return ((int)strides[0], (int)pads[0]);
    }

    private static float[] Transpose(float[] b, int rows, int cols)
    {
        var t = new float[b.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) t[c * rows + r] = b[r * cols + c];
        return t;
    }

    private static float FloatAttr(P.NodeProto node, string name, float fallback) => node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.F : fallback;

    private string Where(P.NodeProto node) => $"{_path}: node \"{NodeName(node)}\" ({node.OpType}, opset {_opset})";

    private static string NodeName(P.NodeProto node) => node.Name.Length > 0 ? node.Name : node.Output.FirstOrDefault() ?? "?";

    private ModelFormatException Unsupported(P.NodeProto node, string why) => new($"{Where(node)} is not supported: {why}");
}
