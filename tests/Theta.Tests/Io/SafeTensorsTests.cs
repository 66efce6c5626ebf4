using System.Buffers.Binary;
using System.Text;
using Theta.Io;

namespace Theta.Tests.Io;

public sealed class SafeTensorsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("theta-st-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Path_(string name) => Path.Combine(_dir, name);

    private string WriteSample(string name = "m.safetensors")
    {
        var p = Path_(name);
        SafeTensors.Write(p, [("w", Tensor.FromArray([1f, -2f, 3.5f, 4f, 5f, 6f], 2, 3)), ("b", Tensor.FromArray([0.25f]))],
            new Dictionary<string, string> { ["theta"] = "{\"kind\":\"test\"}" });
        return p;
    }

    [Fact]
    public void RoundTripsTensorsAndMetadata()
    {
        var (tensors, meta) = SafeTensors.Read(WriteSample());
        Assert.Equal(["w", "b"], tensors.Select(t => t.Name));
        Assert.Equal(new Shape(2, 3), tensors[0].Value.Shape);
        Assert.Equal(new[] { 1f, -2f, 3.5f, 4f, 5f, 6f }, tensors[0].Value.ToArray());
        Assert.Equal(0.25f, tensors[1].Value[0]);
        Assert.Equal("{\"kind\":\"test\"}", meta["theta"]);
    }

    [Fact]
    public void TheLayoutIsSafetensors()
    {
        // Read the bytes by the published layout, independently of the reader.
        var bytes = File.ReadAllBytes(WriteSample());
        long n = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, n % 8);
        var json = Encoding.UTF8.GetString(bytes, 8, (int)n);
        Assert.Contains("\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}", json);
        Assert.Contains("\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[24,28]}", json);
        Assert.Equal(8 + n + 28, bytes.Length);
        Assert.Equal(3.5f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan((int)(8 + n + 8))));
    }

    [Fact]
    public void TruncatedFilesFailClearly()
    {
        var p = WriteSample();
        var bytes = File.ReadAllBytes(p);
        File.WriteAllBytes(p, bytes[..^4]);
        Assert.Contains("truncated", Assert.Throws<ModelFormatException>(() => SafeTensors.Read(p)).Message);
        File.WriteAllBytes(p, bytes[..5]);
        Assert.Contains("too short", Assert.Throws<ModelFormatException>(() => SafeTensors.Read(p)).Message);
        File.WriteAllBytes(p, bytes[..20]);
        Assert.Contains("header claims", Assert.Throws<ModelFormatException>(() => SafeTensors.Read(p)).Message);
    }

    [Theory]
    [InlineData("\"F32\"", "\"F16\"", "dtype")]
    [InlineData("[2,3]", "[3,3]", "needs 36 bytes")]
    [InlineData("[24,28]", "[20,24]", "gap or overlap")]
    [InlineData("{\"__metadata__\"", "[\"__metadata__\"", "not a JSON object")]
    public void AlteredHeadersFailClearly(string from, string to, string expected)
    {
        var p = WriteSample();
        var bytes = File.ReadAllBytes(p);
        var text = Encoding.Latin1.GetString(bytes);
        File.WriteAllBytes(p, Encoding.Latin1.GetBytes(text.Replace(from, to)));
        var e = Assert.Throws<ModelFormatException>(() => SafeTensors.Read(p));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith(p, e.Message);
    }

    [Fact]
    public void AFailedWriteLeavesTheOldFileAndNoTemporary()
    {
        var p = WriteSample();
        var before = File.ReadAllBytes(p);
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(p, s => { s.WriteByte(1); throw new InvalidOperationException("boom"); }));
        Assert.Equal(before, File.ReadAllBytes(p));
        Assert.Single(Directory.GetFiles(_dir));
    }
}
