using System.Buffers.Binary;
using System.IO.Compression;

namespace Theta.Data;

/// <summary>
/// The IDX format of MNIST (gzipped or not): a big-endian header — two zero bytes, a type byte
/// (0x08 = unsigned byte), the number of dimensions — then one big-endian int32 per dimension,
/// then the data. Images are magic 2051 ([count, rows, cols]), labels magic 2049 ([count]).
/// Every inconsistency is a <see cref="DataException"/> naming the file and what was expected.
/// </summary>
public static class Idx
{
    public const int ImagesMagic = 2051;
    public const int LabelsMagic = 2049;

    /// <summary>
    /// The dimensions and the raw unsigned bytes of an IDX file; <paramref name="expectedMagic"/> checks the header.
    /// The file (or its gzip) is read as a stream and never past what its header describes: a gzip bomb or an
    /// endless file costs only the bytes its header claims, and those only as far as they really arrive.
    /// </summary>
    public static (int[] Dims, byte[] Data) Read(string path, int expectedMagic)
    {
        try
        {
            if (!File.Exists(path)) throw new DataException(path, null, null, "cannot be read as IDX (gzipped or not): no such file");
            using var file = File.OpenRead(path);
            int b0 = file.ReadByte(), b1 = file.ReadByte();
            if (file.CanSeek) file.Position = 0;
            else throw new DataException(path, null, null, "is not a regular file; IDX files are read from disk");
            using Stream s = b0 == 0x1f && b1 == 0x8b ? new GZipStream(file, CompressionMode.Decompress) : file;
            return Read(s, path, expectedMagic);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        { throw new DataException(path, null, null, $"cannot be read as IDX (gzipped or not): {e.Message}"); }
    }

    private static (int[] Dims, byte[] Data) Read(Stream s, string path, int expectedMagic)
    {
        var head = new byte[4];
        int got = s.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        if (got < 4) throw new DataException(path, null, null, $"{got} bytes is too short for an IDX header");
        int magic = BinaryPrimitives.ReadInt32BigEndian(head);
        if (magic != expectedMagic)
            throw new DataException(path, null, null, $"magic number {magic}; expected {expectedMagic} ({(expectedMagic == ImagesMagic ? "an IDX image file" : "an IDX label file")})");
        int rank = head[3];
        var dimBytes = new byte[4 * rank];
        if (s.ReadAtLeast(dimBytes, dimBytes.Length, throwOnEndOfStream: false) < dimBytes.Length)
            throw new DataException(path, null, null, $"the header promises {rank} dimensions but the file ends first");
        var dims = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(dimBytes.AsSpan(4 * i));
            if (dims[i] < 1) throw new DataException(path, null, null, $"dimension {i} is {dims[i]}; expected a positive size");
            count = Math.Min(count * dims[i], long.MaxValue / int.MaxValue);
        }
        if (count > Array.MaxLength)
            throw new DataException(path, null, null, $"the header says {string.Join(" × ", dims)} values, more than one array holds ({Array.MaxLength})");
        // Read in growing chunks: a header that claims gigabytes costs only what the file really holds.
        var data = new byte[Math.Min(count, 1 << 20)];
        int have = 0;
        while (have < count)
        {
            if (have == data.Length) Array.Resize(ref data, (int)Math.Min(count, 2L * data.Length));
            int r = s.Read(data, have, data.Length - have);
            if (r == 0) break;
            have += r;
        }
        long extra = have < count ? 0 : CountRest(s, 1 << 20);
        if (have != count || extra > 0)
            throw new DataException(path, null, null, $"the header says {string.Join(" × ", dims)} = {count} values but the file holds {(extra > 0 ? $"more ({count} + {(extra >= 1 << 20 ? "at least " : "")}{extra})" : have.ToString(System.Globalization.CultureInfo.InvariantCulture))} (truncated or not matching its header)");
        return (dims, data);
    }

    // How many bytes are left, counting at most `max`.
    private static long CountRest(Stream s, int max)
    {
        var buffer = new byte[8192];
        long n = 0;
        int r;
        while (n < max && (r = s.Read(buffer, 0, buffer.Length)) > 0) n += r;
        return n;
    }
}
