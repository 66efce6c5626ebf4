using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using Theta.Data;

namespace Theta.Tests.Data;

public sealed class MnistTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("theta-mnist-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string MnistDir => Path.Combine(TestData.Root, "mnist");

    [Fact]
    public void ReadsTheRealFilesWithTheirPublishedCounts()
    {
        var (train, test) = Mnist.Load(MnistDir);
        Assert.Equal(new Shape(60000, 1, 28, 28), train.Images.Shape);
        Assert.Equal(new Shape(10000, 1, 28, 28), test.Images.Shape);
        // Class counts from ../shared/data/README.md.
        Assert.Equal(new[] { 5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949 }, Enumerable.Range(0, 10).Select(k => train.Labels.Count(l => l == k)));
        Assert.Equal(new[] { 980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009 }, Enumerable.Range(0, 10).Select(k => test.Labels.Count(l => l == k)));
        Assert.Equal(5, train.Labels[0]);   // the famous first training digit
        Assert.Equal(7, test.Labels[0]);
        Assert.All(train.Images.ToArray().Take(784 * 10), v => Assert.InRange(v, 0f, 1f));
        Assert.Equal(1f, test.Images.Data[..784].ToArray().Max());
    }

    private string WriteIdx(string name, int magic, int[] dims, byte[] data, bool gzip = false)
    {
        var header = new byte[4 + 4 * dims.Length];
        BinaryPrimitives.WriteInt32BigEndian(header, magic);
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), dims[i]);
        var bytes = header.Concat(data).ToArray();
        var path = Path.Combine(_dir, name);
        if (gzip)
        {
            using var fs = File.Create(path);
            using var gz = new GZipStream(fs, CompressionLevel.Fastest);
            gz.Write(bytes);
        }
        else File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void ReadsPlainAndGzippedFiles()
    {
        WriteIdx("t10k-images-idx3-ubyte", Idx.ImagesMagic, [2, 2, 3], [0, 255, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6]);
        WriteIdx("t10k-labels-idx1-ubyte.gz", Idx.LabelsMagic, [2], [3, 9], gzip: true);
        var s = Mnist.LoadSplit(_dir, "t10k");
        Assert.Equal(new Shape(2, 1, 2, 3), s.Images.Shape);
        Assert.Equal(1f, s.Images[0, 0, 0, 1]);
        Assert.Equal(new[] { 3, 9 }, s.Labels);
    }

    [Fact]
    public void BadFilesAreClearErrors()
    {
        var img = WriteIdx("train-images-idx3-ubyte", 2049, [1, 2, 2], [0, 0, 0, 0]);
        WriteIdx("train-labels-idx1-ubyte", Idx.LabelsMagic, [1], [1]);
        Assert.Contains("magic number 2049; expected 2051", Assert.Throws<DataException>(() => Mnist.LoadSplit(_dir, "train")).Message);

        WriteIdx("train-images-idx3-ubyte", Idx.ImagesMagic, [2, 2, 2], [0, 0, 0, 0, 0]);
        Assert.Contains("says 2 × 2 × 2 = 8 values but the file holds 5", Assert.Throws<DataException>(() => Mnist.LoadSplit(_dir, "train")).Message);

        WriteIdx("train-images-idx3-ubyte", Idx.ImagesMagic, [2, 1, 1], [0, 0]);
        var e = Assert.Throws<DataException>(() => Mnist.LoadSplit(_dir, "train"));
        Assert.Contains("1 labels for 2 images", e.Message);
        Assert.StartsWith(Path.Combine(_dir, "train-labels-idx1-ubyte"), e.Message);

        WriteIdx("train-labels-idx1-ubyte", Idx.LabelsMagic, [2], [1, 12]);
        Assert.Contains("label 12 at index 1; expected a digit", Assert.Throws<DataException>(() => Mnist.LoadSplit(_dir, "train")).Message);
        Assert.Contains("t10k-images-idx3-ubyte(.gz) is missing", Assert.Throws<DataException>(() => Mnist.LoadSplit(_dir, "t10k")).Message);
        _ = img;
    }

    [Fact]
    public async Task DownloadKeepsOnlyFilesWhoseHashMatches()
    {
        // A local HTTP server plays two mirrors: /bad/ serves a corrupted first file, /good/ the real ones.
        int port = 20000 + Environment.ProcessId % 20000;
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var serving = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext ctx;
                try { ctx = await listener.GetContextAsync(); } catch (Exception) { return; }
                var parts = ctx.Request.Url!.AbsolutePath.Trim('/').Split('/');
                var file = Path.Combine(MnistDir, parts[^1]);
                byte[] body = File.Exists(file) ? File.ReadAllBytes(file) : [];
                if (parts[0] == "bad" && body.Length > 0) body[body.Length / 2] ^= 1;
                ctx.Response.StatusCode = body.Length > 0 ? 200 : 404;
                await ctx.Response.OutputStream.WriteAsync(body);
                ctx.Response.Close();
            }
        });
        var log = new List<string>();
        var outDir = Path.Combine(_dir, "dl");
        await MnistDownload.DownloadAsync(outDir, [$"http://127.0.0.1:{port}/bad/", $"http://127.0.0.1:{port}/good/"], log: log.Add);
        Assert.Equal(4, Directory.GetFiles(outDir).Length); // no temporary files left
        foreach (var (file, sha) in Mnist.Files) Assert.Equal(sha, await MnistDownload.HashAsync(Path.Combine(outDir, file)));
        Assert.Contains(log, l => l.Contains("downloaded from http://127.0.0.1") && l.Contains("/good/"));

        // Everything present and verified: nothing is fetched again; with only a bad mirror a missing file is an error.
        File.Delete(Path.Combine(outDir, "t10k-labels-idx1-ubyte.gz"));
        var e = await Assert.ThrowsAsync<DataException>(() => MnistDownload.DownloadAsync(outDir, [$"http://127.0.0.1:{port}/bad/"]));
        Assert.Contains("SHA-256", e.Message);
        Assert.Equal(3, Directory.GetFiles(outDir).Length);
        listener.Stop();
        await serving;
    }
}
