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

    /// <summary>
    /// Reads and validates a safetensors file: the tensors by name (in file order) and the metadata.
    /// The file is read once, front to back (a pipe works), and never further than its header
    /// describes: memory is bounded by the bytes the file really holds, and an endless stream is refused.
    /// </summary>
    public static (IReadOnlyList<(string Name, Tensor Value)> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            return Read(stream, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new ModelFormatException($"{path}: cannot be read: {e.Message}"); }
    }

    /// <summary>Reads and validates safetensors from <paramref name="stream"/>; <paramref name="path"/> names it in errors.</summary>
    public static (IReadOnlyList<(string Name, Tensor Value)> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(Stream stream, string path)
    {
        // NOTE: System.Text.Json decodes lazily: a malformed escape surfaces as InvalidOperationException, a duplicated
        // key as ArgumentException, only when the object is first read.
        try { return ReadValidated(stream, path); }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            throw new ModelFormatException($"{path}: the header is malformed ({SafeText.Quote(e.Message.Split('\n')[0], 200)})");
        }
    }

    private static (IReadOnlyList<(string Name, Tensor Value)> Tensors, IReadOnlyDictionary<string, string> Metadata) ReadValidated(Stream stream, string path)
    {
        long? size = stream.CanSeek ? stream.Length - stream.Position : null;   // a pipe's size is known only at its end
        var lengthField = new byte[8];
        int got = stream.ReadAtLeast(lengthField, 8, throwOnEndOfStream: false);
        if (got < 8) throw new ModelFormatException($"{path}: {got} bytes is too short for a model file (expected an 8-byte header length first)");
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(lengthField);
        if (n > (ulong)Math.Min(MaxHeader, (size ?? long.MaxValue) - 8) || n < 2)
            throw new ModelFormatException($"{path}: the header claims {n} bytes but {(n < 2 ? "a JSON object needs at least 2" : size is long s ? $"the file has {s - 8} after the length field (truncated or not a model file)" : $"at most {MaxHeader} are accepted")}");
        var headerBytes = new byte[(int)n];
        got = stream.ReadAtLeast(headerBytes, headerBytes.Length, throwOnEndOfStream: false);
        if (got < headerBytes.Length) throw new ModelFormatException($"{path}: the header claims {n} bytes but the file has {got} after the length field (truncated or not a model file)");
        if (!System.Text.Unicode.Utf8.IsValid(headerBytes))
            throw new ModelFormatException($"{path}: the header is not valid UTF-8 text (byte {8 + InvalidUtf8At(headerBytes)} of the file; altered or not a model file)");
        JsonObject header;
        try { header = JsonNode.Parse(headerBytes)?.AsObject() ?? throw new JsonException("null"); }
        catch (Exception e) when (e is JsonException or InvalidOperationException) { throw new ModelFormatException($"{path}: the header is not a JSON object ({e.Message})"); }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var entries = new List<(string Name, int[] Shape, long Begin, long End)>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
            {
                if (node is not JsonObject mo) throw new ModelFormatException($"{path}: __metadata__ must be an object of strings");
                foreach (var (k, v) in mo)
                    metadata[k] = v is JsonValue jv && jv.GetValueKind() == JsonValueKind.String && TryString(jv, out var s) ? s
                        : throw new ModelFormatException($"{path}: metadata \"{SafeText.Quote(k)}\" must be a string (of valid Unicode)");
                continue;
            }
            entries.Add(ParseEntry(path, name, node));
        }
        // The tensors must tile the data region exactly, without gaps or overlaps.
        long expect = 0;
        foreach (var e in entries.OrderBy(e => e.Begin))
        {
            if (e.Begin != expect) throw new ModelFormatException($"{path}: tensor \"{SafeText.Quote(e.Name)}\" starts at byte {e.Begin} of the data; expected {expect} (gap or overlap)");
            expect = e.End;
        }
        long dataStart = 8 + (long)n;
        if (size is long total && expect != total - dataStart)
            throw new ModelFormatException($"{path}: the header describes {expect} bytes of tensor data but the file holds {total - dataStart} (truncated or altered)");
        if (expect > Array.MaxLength) throw new ModelFormatException($"{path}: the header describes {expect} bytes of tensor data; at most {Array.MaxLength} are read");
        var data = ReadData(stream, path, (int)expect, size is null);

        var tensors = new List<(string, Tensor)>();
        foreach (var e in entries)
        {
            var t = Tensor.Zeros(e.Shape);
            var d = t.Data;
            var src = data.AsSpan((int)e.Begin);
            for (int i = 0; i < d.Length; i++) d[i] = BinaryPrimitives.ReadSingleLittleEndian(src[(4 * i)..]);
            tensors.Add((e.Name, t));
        }
        return (tensors, metadata);
    }

    // The data region, exactly `length` bytes; from a stream of unknown size it is read in growing
    // chunks (so a short stream costs only what it holds) and must end right after.
    private static byte[] ReadData(Stream stream, string path, int length, bool unknownSize)
    {
        var data = new byte[unknownSize ? Math.Min(length, 1 << 20) : length];
        int have = 0;
        while (have < length)
        {
            if (have == data.Length) Array.Resize(ref data, (int)Math.Min(length, 2L * data.Length));
            int r = stream.Read(data, have, data.Length - have);
            if (r == 0) throw new ModelFormatException($"{path}: the header describes {length} bytes of tensor data but the file holds {have} (truncated or altered)");
            have += r;
        }
        if (stream.ReadByte() >= 0) throw new ModelFormatException($"{path}: the file goes on after the {length} bytes of tensor data its header describes (altered, or not a file)");
        return data;
    }

    private static int InvalidUtf8At(byte[] bytes)
    {
        System.Text.Unicode.Utf8.ToUtf16(bytes, new char[bytes.Length], out int read, out _, replaceInvalidSequences: false);
        return read;
    }

    // A JSON string that decodes to valid UTF-16 (a lone "\ud800" escape does not).
    private static bool TryString(JsonValue v, out string s)
    {
        try { s = v.GetValue<string>(); return IsWellFormed(s); }
        catch (InvalidOperationException) { s = ""; return false; }
    }

    private static bool IsWellFormed(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { i++; continue; }
            if (char.IsSurrogate(s[i])) return false;
        }
        return true;
    }

    private static (string, int[], long, long) ParseEntry(string path, string name, JsonNode? node)
    {
        string where = $"{path}: tensor \"{SafeText.Quote(name)}\"";
        if (node is not JsonObject o) throw new ModelFormatException($"{where} must be an object with dtype, shape and data_offsets");
        if (o["dtype"]?.GetValueKind() != JsonValueKind.String || (string)o["dtype"]! != "F32")
            throw new ModelFormatException($"{where}: dtype {SafeText.Quote(o["dtype"]?.ToJsonString() ?? "missing")}; expected \"F32\"");
        if (o["shape"] is not JsonArray sa || o["data_offsets"] is not JsonArray oa || oa.Count != 2)
            throw new ModelFormatException($"{where}: expected \"shape\": [dims] and \"data_offsets\": [begin, end]");
        long count = 1;
        var shape = new int[sa.Count];
        for (int i = 0; i < sa.Count; i++)
        {
            if (sa[i] is not JsonValue v || !v.TryGetValue(out long dim) || dim < 1 || dim > int.MaxValue)
                throw new ModelFormatException($"{where}: shape entry {i} is {SafeText.Quote(sa[i]?.ToJsonString())}; expected a positive integer");
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
