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

    /// <summary>The dimensions and the raw unsigned bytes of an IDX file; <paramref name="expectedMagic"/> checks the header.</summary>
    public static (int[] Dims, byte[] Data) Read(string path, int expectedMagic)
    {
        byte[] bytes;
        try { bytes = ReadMaybeGzipped(path); }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        { throw new DataException(path, null, null, $"cannot be read as IDX (gzipped or not): {e.Message}"); }
        if (bytes.Length < 4) throw new DataException(path, null, null, $"{bytes.Length} bytes is too short for an IDX header");
        int magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != expectedMagic)
            throw new DataException(path, null, null, $"magic number {magic}; expected {expectedMagic} ({(expectedMagic == ImagesMagic ? "an IDX image file" : "an IDX label file")})");
        int rank = bytes[3];
        if (bytes.Length < 4 + 4 * rank) throw new DataException(path, null, null, $"the header promises {rank} dimensions but the file ends first");
        var dims = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * i));
            if (dims[i] < 1) throw new DataException(path, null, null, $"dimension {i} is {dims[i]}; expected a positive size");
            count *= dims[i];
        }
        long have = bytes.Length - 4 - 4L * rank;
        if (have != count)
            throw new DataException(path, null, null, $"the header says {string.Join(" × ", dims)} = {count} values but the file holds {have} (truncated or not matching its header)");
        return (dims, bytes[(4 + 4 * rank)..]);
    }

    private static byte[] ReadMaybeGzipped(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException("no such file", path);
        using var file = File.OpenRead(path);
        int b0 = file.ReadByte(), b1 = file.ReadByte();
        file.Position = 0;
        using var ms = new MemoryStream();
        if (b0 == 0x1f && b1 == 0x8b)
        {
            using var gz = new GZipStream(file, CompressionMode.Decompress);
            gz.CopyTo(ms);
        }
        else file.CopyTo(ms);
        return ms.ToArray();
    }
}
