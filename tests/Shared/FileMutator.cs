using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;

namespace Theta.Fuzz;

/// <summary>
/// A seeded mutator of files, for the fuzzing tests: the same (seed, case) gives the same bytes, so a
/// failing case is replayed by its number. Model files (safetensors with Theta's architecture) are mutated
/// both as bytes (flips, truncations, insertions, header lengths) and as structure (a field of the
/// architecture set to an awkward value, a key dropped, a tensor's shape or offsets changed, then the
/// header re-framed so the file still parses that far); CSV text gets control characters, long cells,
/// extra or missing separators, huge numbers; IDX files get altered dimensions, magic numbers and lengths.
/// </summary>
public sealed class FileMutator(ulong seed)
{
    private readonly Rng _rng = new(seed);

    /// <summary>How many cases to run: $THETA_FUZZ when set (e.g. 100000), else <paramref name="small"/>.</summary>
    public static int Count(int small) =>
        int.TryParse(Environment.GetEnvironmentVariable("THETA_FUZZ"), out int n) && n > 0 ? n : small;

    private int Next(int n) => _rng.NextInt(n);
    private T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    // Values that have broken parsers before: sizes at the edges of int, paddings far past a kernel, non-numbers.
    private static readonly JsonNode?[] Awkward =
    [
        0, -1, 1, 2, 3, 7, 255, 4000, 20000, 65536, 1 << 24, int.MaxValue, int.MinValue, long.MaxValue, 1e30, -1e30, 0.5,
        "", "x", "\u001b[31m", "\ud800x", true, false, null, new JsonArray(), new JsonObject(),
        new JsonArray(1, 20000, 20000), new JsonArray(1, int.MaxValue, 2), new JsonArray(-1), new JsonArray(0, 0),
    ];

    /// <summary>One mutation of a model file's bytes.</summary>
    public byte[] Model(byte[] valid) => Next(3) switch
    {
        0 => Bytes(valid),
        _ => Structure(valid) ?? Bytes(valid),
    };

    /// <summary>Byte-level damage: flips, a truncation, an insertion, a new header length, a duplicated run.</summary>
    public byte[] Bytes(byte[] valid)
    {
        var b = valid.ToList();
        int edits = 1 + Next(4);
        for (int e = 0; e < edits && b.Count > 0; e++)
        {
            switch (Next(6))
            {
                case 0: b[Next(b.Count)] ^= (byte)(1 << Next(8)); break;
                case 1: b[Next(b.Count)] = (byte)Next(256); break;
                case 2: { int at = Next(b.Count); b.RemoveRange(at, Math.Min(b.Count - at, 1 + Next(64))); break; }
                case 3: b.InsertRange(Next(b.Count), Enumerable.Range(0, 1 + Next(32)).Select(_ => (byte)Next(256))); break;
                case 4 when b.Count >= 8:
                    var len = new byte[8];
                    BinaryPrimitives.WriteUInt64LittleEndian(len, Pick(new ulong[] { 0, 1, 7, (ulong)b.Count, ulong.MaxValue, 1UL << 40, (ulong)Next(b.Count) }));
                    for (int i = 0; i < 8; i++) b[i] = len[i];
                    break;
                default: { int at = Next(b.Count); int n = Math.Min(1 + Next(256), b.Count - at); b.InsertRange(at, b.GetRange(at, n)); break; }
            }
        }
        if (Next(8) == 0) b.RemoveRange(b.Count / 2, b.Count - b.Count / 2);   // cut in half
        return [.. b];
    }

    /// <summary>Structural damage to the JSON header or the architecture inside it, re-framed; null when the file is not safetensors.</summary>
    public byte[]? Structure(byte[] valid)
    {
        if (valid.Length < 8) return null;
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(valid);
        if (n > (ulong)(valid.Length - 8)) return null;
        JsonObject header;
        try { header = JsonNode.Parse(valid.AsSpan(8, (int)n))!.AsObject(); } catch { return null; }
        var data = valid[(8 + (int)n)..];
        var meta = header["__metadata__"] as JsonObject;
        var arch = meta?["theta"] is JsonValue v && v.TryGetValue(out string? s) ? JsonNode.Parse(s) : null;
        int edits = 1 + Next(3);
        for (int e = 0; e < edits; e++)
        {
            if (arch is not null && Next(3) > 0) Mutate(arch);
            else Mutate(header);
        }
        if (arch is not null && header["__metadata__"] is JsonObject m2) m2["theta"] = arch.ToJsonString();
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        if (Next(10) == 0) data = data[..Next(data.Length + 1)];
        var result = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)json.Length);
        json.CopyTo(result, 8);
        data.CopyTo(result, 8 + json.Length);
        return result;
    }

    // Sets, drops or duplicates one value somewhere in the tree.
    private void Mutate(JsonNode root)
    {
        var containers = new List<JsonNode>();
        void Walk(JsonNode? node)
        {
            if (node is JsonObject o) { containers.Add(o); foreach (var (_, c) in o) Walk(c); }
            else if (node is JsonArray a) { containers.Add(a); foreach (var c in a) Walk(c); }
        }
        Walk(root);
        var target = Pick(containers);
        var value = Clone(Pick(Awkward));
        if (target is JsonObject obj && obj.Count > 0)
        {
            var key = obj.ElementAt(Next(obj.Count)).Key;
            switch (Next(4))
            {
                case 0: obj.Remove(key); break;
                case 1: obj[key + (Next(2) == 0 ? "" : "x")] = value; break;
                default:
                    if (obj[key] is JsonValue jv && jv.TryGetValue(out int i)) obj[key] = Pick(new[] { i + 1, i - 1, i * 2, -i, i * 1000, 0 });
                    else obj[key] = value;
                    break;
            }
        }
        else if (target is JsonArray arr)
        {
            if (arr.Count > 0 && Next(2) == 0) arr.RemoveAt(Next(arr.Count));
            else if (arr.Count > 0 && Next(2) == 0) arr[Next(arr.Count)] = value;
            else if (arr.Count < 64) arr.Add(value);
            if (arr.Count > 0 && Next(4) == 0) arr.Add(Clone(arr[Next(arr.Count)]));   // a duplicated layer or entry
        }
    }

    private static JsonNode? Clone(JsonNode? n) => n?.DeepClone();

    /// <summary>One mutation of CSV text.</summary>
    public string Csv(string valid)
    {
        var sb = new StringBuilder(valid);
        int edits = 1 + Next(4);
        for (int e = 0; e < edits; e++)
        {
            int at = sb.Length == 0 ? 0 : Next(sb.Length);
            switch (Next(10))
            {
                case 0: sb.Insert(at, Pick(new[] { "\0", "\u001b[31m", "\u001b]0;pwned\a", "\a", "\r", "\ufeff", "\u202e" })); break;
                case 1: sb.Insert(at, new string('9', Pick(new[] { 40, 400, 5000 }))); break;
                case 2: sb.Insert(at, new string(',', 1 + Next(20))); break;
                case 3: if (sb.Length > 0) sb.Remove(at, Math.Min(1 + Next(8), sb.Length - at)); break;
                case 4: sb.Insert(at, Pick(new[] { "NaN", "1e39", "-inf", "\"", "\"\"", ";", "\t", "x" })); break;
                case 5: sb.Insert(at, "\n"); break;
                case 6: sb.Length = at; break;
                case 7: sb.Insert(at, new string('y', Pick(new[] { 100, 5000, 70_000 }))); break;
                case 8: { var lines = sb.ToString().Split('\n'); sb.Clear().Append(string.Join('\n', lines.Append(Pick(lines)))); break; }
                default: sb.Insert(at, string.Concat(Enumerable.Range(0, 1 + Next(300)).Select(_ => ",0"))); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>One mutation of an IDX file (or its gzip): altered magic, rank, dimensions, lengths, bytes.</summary>
    public byte[] Idx(byte[] valid)
    {
        var b = valid.ToArray();
        switch (Next(4))
        {
            case 0 when b.Length >= 4: b[Next(4)] = (byte)Next(256); return b;
            case 1 when b.Length >= 8:
                int rank = b[3], dim = Next(Math.Max(rank, 1));
                if (4 + 4 * dim + 4 <= b.Length)
                    BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(4 + 4 * dim), Pick(new[] { 0, -1, int.MaxValue, 1 << 20, 65536, BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(4 + 4 * dim)) + 1 }));
                return b;
            default: return Bytes(valid);
        }
    }
}
