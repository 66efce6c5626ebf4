using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Theta.Plots;

namespace Theta.Tests.Inspect;

/// <summary>The PNG writer: a file other decoders accept (signature, IHDR, CRCs, zlib IDAT with the exact pixel bytes).</summary>
public sealed class PngTests
{
    // Walks the chunks, checking each CRC; returns (type, data) in order.
    private static List<(string Type, byte[] Data)> Chunks(byte[] file)
    {
        Assert.True(file.AsSpan(0, 8).SequenceEqual(Png.Signature));
        var chunks = new List<(string, byte[])>();
        for (int at = 8; at < file.Length;)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at));
            var typeAndData = file.AsSpan(at + 4, 4 + len);
            Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(at + 8 + len)), Crc32.Compute(typeAndData));
            chunks.Add((Encoding.ASCII.GetString(typeAndData[..4]), typeAndData[4..].ToArray()));
            at += 12 + len;
        }
        return chunks;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void ATinyImageDecodesToItsPixels(int channels)
    {
        const int W = 3, H = 2;
        var pixels = Enumerable.Range(0, W * H * channels).Select(i => (byte)(i * 37)).ToArray();
        var chunks = Chunks(Png.Encode(pixels, W, H, channels));
        Assert.Equal(["IHDR", "IDAT", "IEND"], chunks.Select(c => c.Type));
        var ihdr = chunks[0].Data;
        Assert.Equal((W, H), (BinaryPrimitives.ReadInt32BigEndian(ihdr), BinaryPrimitives.ReadInt32BigEndian(ihdr.AsSpan(4))));
        Assert.Equal(8, ihdr[8]);
        Assert.Equal(channels == 1 ? 0 : 2, ihdr[9]);

        using var z = new ZLibStream(new MemoryStream(chunks[1].Data), CompressionMode.Decompress);
        var raw = new MemoryStream();
        z.CopyTo(raw);
        var rows = raw.ToArray();
        Assert.Equal(H * (1 + W * channels), rows.Length);
        for (int r = 0; r < H; r++)
        {
            Assert.Equal(0, rows[r * (1 + W * channels)]); // filter byte: none
            Assert.Equal(pixels.AsSpan(r * W * channels, W * channels).ToArray(), rows.AsSpan(r * (1 + W * channels) + 1, W * channels).ToArray());
        }
    }

    [Fact]
    public void Crc32MatchesTheStandardCheckValue() =>
        // The CRC-32 check value of "123456789" is 0xCBF43926 (the catalogue of parametrised CRC algorithms, CRC-32/ISO-HDLC).
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));

    [Fact]
    public void GridsHaveTheSizeOfTheirTilesGapsAndZoom()
    {
        var tiles = Enumerable.Range(0, 5).Select(k => new float[] { -1, 0, 1, k, 2, 3 }).ToList();
        var img = ImageGrid.Render(tiles, 2, 3, Palette.Diverging, sharedScale: true, zoom: 4, columns: 3, gap: 2);
        Assert.Equal((3 * 12 + 4 * 2, 2 * 8 + 3 * 2), (img.Width, img.Height));
        Assert.Equal((255, 255, 255), ImageGrid.Colour(0, -1, 1, Palette.Diverging));
        Assert.Equal((0, 0, 0), ImageGrid.Colour(-5, -5, 5, Palette.Grey));
        var path = Path.Combine(Path.GetTempPath(), $"theta-grid-{Guid.NewGuid():N}.png");
        try
        {
            img.Save(path);
            Assert.Equal((img.Width, img.Height), Png.ReadSize(File.ReadAllBytes(path)));
        }
        finally { File.Delete(path); }
        var e = Assert.Throws<ArgumentException>(() => img.Save("weights.svg"));
        Assert.Contains("PNG only", e.Message);
    }
}
