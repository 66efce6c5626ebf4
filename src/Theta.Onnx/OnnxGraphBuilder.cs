using Google.Protobuf;
using P = global::Onnx;

namespace Theta.Io;

/// <summary>
/// Builds one ONNX graph for the exporter: nodes with fresh value names, initializers (float32,
/// float64, int64) and the attributes the exported ops take. Values are named after the layer that
/// makes them (<c>"3.conv"</c>, <c>"standardize.mean"</c>) so a graph viewer shows Theta's layer paths.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public P.GraphProto Graph { get; } = new() { Name = "theta" };

    /// <summary>A name not used yet: <paramref name="name"/>, or it with a suffix.</summary>
    public string Fresh(string name)
    {
        string n = name;
        for (int i = 1; !_names.Add(n); i++) n = $"{name}_{i}";
        return n;
    }

    /// <summary>Adds a node <paramref name="op"/>(inputs) with one output named after <paramref name="name"/>; returns the output.</summary>
    public string Node(string op, string name, string[] inputs, params P.AttributeProto[] attributes)
    {
        string output = Fresh(name);
        var node = new P.NodeProto { OpType = op, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return output;
    }

    /// <summary>A float32 initializer of shape <paramref name="dims"/> (the bytes little-endian in raw_data, as exporters write them).</summary>
    public string Floats(string name, ReadOnlySpan<float> values, params long[] dims) => Raw(name, P.TensorProto.Types.DataType.Float, values, dims);

    /// <summary>A float64 initializer (naive Bayes' log-probability tables, kept in the double precision Theta computes them in).</summary>
    public string Doubles(string name, ReadOnlySpan<double> values, params long[] dims) => Raw(name, P.TensorProto.Types.DataType.Double, values, dims);

    /// <summary>An int64 initializer (shapes and axes).</summary>
    public string Longs(string name, ReadOnlySpan<long> values, params long[] dims) => Raw(name, P.TensorProto.Types.DataType.Int64, values, dims);

    private string Raw<T>(string name, P.TensorProto.Types.DataType type, ReadOnlySpan<T> values, long[] dims) where T : unmanaged
    {
        var t = Tensor(name, type, dims);
        t.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
        return Add(t);
    }

    private P.TensorProto Tensor(string name, P.TensorProto.Types.DataType type, long[] dims)
    {
        var t = new P.TensorProto { Name = Fresh(name), DataType = (int)type };
        t.Dims.AddRange(dims);
        return t;
    }

    private string Add(P.TensorProto t)
    {
        Graph.Initializer.Add(t);
        return t.Name;
    }

    /// <summary>A float32 tensor value [batch, dims…] for the graph's inputs and outputs; the batch axis is the symbol "N".</summary>
    public static P.ValueInfoProto Value(string name, string doc, P.TensorProto.Types.DataType type, params int[] dims)
    {
        var shape = new P.TensorShapeProto();
        shape.Dim.Add(new P.TensorShapeProto.Types.Dimension { DimParam = "N" });
        foreach (int d in dims) shape.Dim.Add(new P.TensorShapeProto.Types.Dimension { DimValue = d });
        return new P.ValueInfoProto
        {
            Name = name,
            DocString = doc,
            Type = new P.TypeProto { TensorType = new P.TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    public static P.AttributeProto Int(string name, long v) => new() { Name = name, Type = P.AttributeProto.Types.AttributeType.Int, I = v };
    public static P.AttributeProto Float(string name, float v) => new() { Name = name, Type = P.AttributeProto.Types.AttributeType.Float, F = v };

    public static P.AttributeProto Ints(string name, params long[] v)
    {
        var a = new P.AttributeProto { Name = name, Type = P.AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(v);
        return a;
    }
}
