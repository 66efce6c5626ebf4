using System.Buffers.Binary;
using System.Runtime.InteropServices;
using DataType = global::Onnx.TensorProto.Types.DataType;
using P = global::Onnx;

namespace Theta.Io;

/// <summary>
/// A constant the importer knows the value of: an initializer, a Constant node's value, or what
/// folding the shape arithmetic gave. Floats keep their bits; integers (shapes, axes, indices) are
/// int64, with <see cref="Batch"/> standing for the graph input's batch size, which is not known.
/// </summary>
internal sealed record OnnxConstant(long[] Dims, float[]? Floats = null, long[]? Longs = null)
{
    /// <summary>The batch axis' size in folded shapes (a value no real size has).</summary>
    public const long Batch = long.MinValue;

    public long Size => Dims.Aggregate(1L, (a, b) => a * b);

    /// <summary>Reads an initializer or a Constant's tensor: float32 (raw_data or float_data), float64 (as float32), int32/int64 (raw or typed), bool.</summary>
    public static OnnxConstant From(P.TensorProto t, string where)
    {
        if (t.DataLocation == P.TensorProto.Types.DataLocation.External)
            throw new ModelFormatException($"{where}: tensor \"{t.Name}\" keeps its data in an external file; Theta imports self-contained .onnx files");
        var dims = t.Dims.ToArray();
        if (dims.Any(d => d < 0)) throw new ModelFormatException($"{where}: tensor \"{t.Name}\" has a negative dimension");
        long n = dims.Aggregate(1L, (a, b) => a * b);
        var raw = t.RawData.Span;
        switch ((DataType)t.DataType)
        {
            case DataType.Float:
                {
                    var v = raw.Length > 0 ? MemoryMarshal.Cast<byte, float>(Check(raw, n, 4, t, where)).ToArray() : t.FloatData.ToArray();
                    if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX import needs a little-endian machine");
                    return new OnnxConstant(dims, Floats: Count(v, n, t, where));
                }
            case DataType.Double:
                {
                    var v = raw.Length > 0 ? MemoryMarshal.Cast<byte, double>(Check(raw, n, 8, t, where)).ToArray() : t.DoubleData.ToArray();
                    return new OnnxConstant(dims, Floats: Count(v.Select(x => (float)x).ToArray(), n, t, where));
                }
            case DataType.Int64:
                {
                    var v = raw.Length > 0 ? MemoryMarshal.Cast<byte, long>(Check(raw, n, 8, t, where)).ToArray() : t.Int64Data.ToArray();
                    return new OnnxConstant(dims, Longs: Count(v, n, t, where));
                }
            case DataType.Int32 or DataType.Int16 or DataType.Int8 or DataType.Uint8 or DataType.Bool:
                {
                    int size = (DataType)t.DataType switch { DataType.Int32 => 4, DataType.Int16 => 2, _ => 1 };
                    long[] v;
                    if (raw.Length > 0)
                    {
                        var b = Check(raw, n, size, t, where);
                        v = new long[n];
                        for (int i = 0; i < n; i++)
                            v[i] = size == 4 ? BinaryPrimitives.ReadInt32LittleEndian(b[(i * 4)..]) : size == 2 ? BinaryPrimitives.ReadInt16LittleEndian(b[(i * 2)..])
                                : (DataType)t.DataType == DataType.Int8 ? (sbyte)b[i] : b[i];
                    }
                    else v = t.Int32Data.Select(i => (long)i).ToArray();
                    return new OnnxConstant(dims, Longs: Count(v, n, t, where));
                }
            default:
                throw new ModelFormatException($"{where}: tensor \"{t.Name}\" has element type {(DataType)t.DataType}; Theta imports float32 weights and integer shapes");
        }
    }

    private static ReadOnlySpan<byte> Check(ReadOnlySpan<byte> raw, long n, int size, P.TensorProto t, string where) =>
        raw.Length == n * size ? raw
            : throw new ModelFormatException($"{where}: tensor \"{t.Name}\" of shape [{string.Join(", ", t.Dims)}] holds {raw.Length} bytes; {n * size} were expected (truncated or altered file)");

    private static T[] Count<T>(T[] v, long n, P.TensorProto t, string where) =>
        v.Length == n ? v
            : throw new ModelFormatException($"{where}: tensor \"{t.Name}\" of shape [{string.Join(", ", t.Dims)}] holds {v.Length} values; {n} were expected (truncated or altered file)");
}
