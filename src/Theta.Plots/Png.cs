using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Theta.Io;

namespace Theta.Plots;

/// <summary>
/// A minimal PNG encoder (8-bit greyscale or RGB, no interlace): the signature, then the chunks
/// IHDR (size, bit depth, colour type), IDAT (the rows, each prefixed by filter byte 0, zlib-compressed)
/// and IEND, each chunk as length · type · data · CRC-32 of type and data.
/// </summary>
public static class Png
{
    /// <summary>The 8 bytes every PNG file starts with.</summary>
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Writes <paramref name="pixels"/> (row-major, <paramref name="channels"/> = 1 grey or 3 RGB bytes per pixel) to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, ReadOnlySpan<byte> pixels, int width, int height, int channels)
    {
        var bytes = Encode(pixels, width, height, channels);
        AtomicFile.Write(path, s => s.Write(bytes));
    }

    /// <summary>The PNG file for <paramref name="pixels"/> as bytes.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, int channels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "Png: 1 (grey) or 3 (RGB) channels");
        int stride = width * channels;
        if (pixels.Length != stride * height)
            throw new ArgumentException($"Png: {pixels.Length} bytes given for {width}×{height}×{channels} = {stride * height}", nameof(pixels));

        using var file = new MemoryStream();
        file.Write(Signature);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;                                  // bits per sample
        header[9] = (byte)(channels == 1 ? 0 : 2);      // colour type: 0 grey, 2 RGB
        // [10..12] compression 0 (deflate), filter method 0, no interlace
        Chunk(file, "IHDR", header);

        using var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
            for (int r = 0; r < height; r++)
            {
                z.WriteByte(0); // filter: none
                z.Write(pixels.Slice(r * stride, stride));
            }
        Chunk(file, "IDAT", raw.ToArray());
        Chunk(file, "IEND", []);
        return file.ToArray();
    }

    private static void Chunk(Stream s, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> buf = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(buf, data.Length);
        s.Write(buf);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        s.Write(typeBytes);
        s.Write(data);
        uint crc = Crc32.Update(Crc32.Update(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(buf, crc);
        s.Write(buf);
    }

    /// <summary>Width and height from a PNG file's IHDR chunk; throws <see cref="InvalidDataException"/> when it is not a PNG.</summary>
    public static (int Width, int Height) ReadSize(ReadOnlySpan<byte> file)
    {
        if (file.Length < 24 || !file[..8].SequenceEqual(Signature) || Encoding.ASCII.GetString(file.Slice(12, 4)) != "IHDR")
            throw new InvalidDataException("not a PNG file (no PNG signature and IHDR chunk)");
        return (BinaryPrimitives.ReadInt32BigEndian(file[16..]), BinaryPrimitives.ReadInt32BigEndian(file[20..]));
    }
}

/// <summary>
/// CRC-32 as PNG and zlib's gzip use it (polynomial 0xEDB88320, reflected), table-driven: a byte at a time,
/// crc = table[(crc ^ b) &amp; 0xFF] ^ (crc &gt;&gt; 8). Start from 0xFFFFFFFF and invert at the end.
/// </summary>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        var t = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }

    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    /// <summary>The CRC-32 of <paramref name="data"/> (pre- and post-inverted).</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Update(0xFFFFFFFFu, data) ^ 0xFFFFFFFFu;
}
