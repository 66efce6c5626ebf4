using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Theta.Io;

/// <summary>
/// The safetensors layout, so other tools can read Theta's weights:
/// <code>
///   [8 bytes]  N, the header length, unsigned little-endian
///   [N bytes]  JSON: { "name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, …,
///                      "__metadata__": {"key": "text", …} }   (padded with spaces to a multiple of 8)
///   [rest]     raw little-endian float32 data; offsets are relative to its start
/// </code>
/// Reading validates everything against the file's size before touching the data: the header
/// length, the JSON, each tensor's dtype, shape, offsets and byte count, and that the tensors
/// tile the data region exactly. Nothing in the file is ever executed.
/// </summary>
public static class SafeTensors
{
    private const long MaxHeader = 100L << 20;

    /// <summary>Writes tensors (in the given order) and string metadata to <paramref name="path"/>, atomically (temporary file, then rename).</summary>
    public static void Write(string path, IReadOnlyList<(string Name, Tensor Value)> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        var header = new JsonObject();
        var meta = new JsonObject();
        foreach (var (k, v) in metadata) meta[k] = v;
        header["__metadata__"] = meta;
        long offset = 0;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, t) in tensors)
        {
            if (name == "__metadata__" || !names.Add(name)) throw new ArgumentException($"SafeTensors: duplicate or reserved tensor name \"{name}\"");
            long bytes = 4L * t.Size;
            header[name] = new JsonObject
            {
                ["dtype"] = "F32",
                ["shape"] = new JsonArray(t.Shape.Dims.ToArray().Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        int padded = (json.Length + 7) / 8 * 8;

        AtomicFile.Write(path, stream =>
        {
            Span<byte> len = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)padded);
            stream.Write(len);
            stream.Write(json);
            for (int i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
            var buffer = new byte[64 * 1024];
            foreach (var (_, t) in tensors)
            {
                var data = t.Data;
                for (int at = 0; at < data.Length;)
                {
                    int n = Math.Min(buffer.Length / 4, data.Length - at);
                    for (int i = 0; i < n; i++) BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(4 * i), data[at + i]);
                    stream.Write(buffer, 0, 4 * n);
                    at += n;
                }
            }
        });
    }

    /// <summary>Reads and validates a safetensors file: the tensors by name (in file order) and the metadata.</summary>
    public static (IReadOnlyList<(string Name, Tensor Value)> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new ModelFormatException($"{path}: cannot be read: {e.Message}"); }
        if (bytes.Length < 8) throw new ModelFormatException($"{path}: {bytes.Length} bytes is too short for a model file (expected an 8-byte header length first)");
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (n > (ulong)Math.Min(MaxHeader, bytes.Length - 8))
            throw new ModelFormatException($"{path}: the header claims {n} bytes but the file has {bytes.Length - 8} after the length field (truncated or not a model file)");
        JsonObject header;
        try { header = JsonNode.Parse(bytes.AsSpan(8, (int)n))?.AsObject() ?? throw new JsonException("null"); }
        catch (Exception e) when (e is JsonException or InvalidOperationException) { throw new ModelFormatException($"{path}: the header is not a JSON object ({e.Message})"); }

        long dataStart = 8 + (long)n, dataLength = bytes.Length - dataStart;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var entries = new List<(string Name, int[] Shape, long Begin, long End)>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
            {
                if (node is not JsonObject mo) throw new ModelFormatException($"{path}: __metadata__ must be an object of strings");
                foreach (var (k, v) in mo)
                    metadata[k] = v is JsonValue jv && jv.TryGetValue(out string? s) ? s : throw new ModelFormatException($"{path}: metadata \"{k}\" must be a string");
                continue;
            }
            entries.Add(ParseEntry(path, name, node));
        }
        // The tensors must tile the data region exactly, without gaps or overlaps.
        long expect = 0;
        foreach (var e in entries.OrderBy(e => e.Begin))
        {
            if (e.Begin != expect) throw new ModelFormatException($"{path}: tensor \"{e.Name}\" starts at byte {e.Begin} of the data; expected {expect} (gap or overlap)");
            expect = e.End;
        }
        if (expect != dataLength)
            throw new ModelFormatException($"{path}: the header describes {expect} bytes of tensor data but the file holds {dataLength} (truncated or altered)");

        var tensors = new List<(string, Tensor)>();
        foreach (var e in entries)
        {
            var t = Tensor.Zeros(e.Shape);
            var d = t.Data;
            var src = bytes.AsSpan((int)(dataStart + e.Begin));
            for (int i = 0; i < d.Length; i++) d[i] = BinaryPrimitives.ReadSingleLittleEndian(src[(4 * i)..]);
            tensors.Add((e.Name, t));
        }
        return (tensors, metadata);
    }

    private static (string, int[], long, long) ParseEntry(string path, string name, JsonNode? node)
    {
        string where = $"{path}: tensor \"{name}\"";
        if (node is not JsonObject o) throw new ModelFormatException($"{where} must be an object with dtype, shape and data_offsets");
        if (o["dtype"]?.GetValueKind() != JsonValueKind.String || (string)o["dtype"]! != "F32")
            throw new ModelFormatException($"{where}: dtype {o["dtype"]?.ToJsonString() ?? "missing"}; expected \"F32\"");
        if (o["shape"] is not JsonArray sa || o["data_offsets"] is not JsonArray oa || oa.Count != 2)
            throw new ModelFormatException($"{where}: expected \"shape\": [dims] and \"data_offsets\": [begin, end]");
        long count = 1;
        var shape = new int[sa.Count];
        for (int i = 0; i < sa.Count; i++)
        {
            if (sa[i] is not JsonValue v || !v.TryGetValue(out long dim) || dim < 1 || dim > int.MaxValue)
                throw new ModelFormatException($"{where}: shape entry {i} is {sa[i]?.ToJsonString()}; expected a positive integer");
            shape[i] = (int)dim;
            count *= dim;
            if (count > Array.MaxLength) throw new ModelFormatException($"{where}: shape is too large");
        }
        if (oa[0] is not JsonValue b || !b.TryGetValue(out long begin) || oa[1] is not JsonValue en || !en.TryGetValue(out long end) || begin < 0 || end < begin)
            throw new ModelFormatException($"{where}: data_offsets must be two non-decreasing non-negative integers");
        if (end - begin != 4 * count)
            throw new ModelFormatException($"{where}: shape [{string.Join(", ", shape)}] needs {4 * count} bytes but data_offsets span {end - begin}");
        return (name, shape, begin, end);
    }
}
