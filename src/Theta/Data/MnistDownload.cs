using System.Security.Cryptography;

namespace Theta.Data;

/// <summary>
/// Downloads the four MNIST files and verifies each one's SHA-256 before it is kept: a file is
/// written to a temporary name, hashed, and renamed into place only when the hash matches. Files
/// already present with the right hash are not downloaded again. Mirrors are tried in order.
/// </summary>
public static class MnistDownload
{
    /// <summary>Well-known mirrors of the original files (PyTorch's and Google's).</summary>
    public static readonly IReadOnlyList<string> Mirrors =
    [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
    ];

    /// <summary>Downloads into <paramref name="dir"/> from the first mirror that serves a verified copy; reports each file's outcome.</summary>
    public static async Task DownloadAsync(string dir, IReadOnlyList<string>? mirrors = null, HttpClient? http = null,
        Action<string>? log = null, CancellationToken ct = default)
    {
        Directory.CreateDirectory(dir);
        using var own = http is null ? new HttpClient { Timeout = TimeSpan.FromMinutes(5) } : null;
        var client = http ?? own!;
        foreach (var (file, sha) in Mnist.Files)
        {
            var target = Path.Combine(dir, file);
            if (File.Exists(target) && await HashAsync(target, ct) == sha) { log?.Invoke($"{file}: present, SHA-256 verified"); continue; }
            var errors = new List<string>();
            bool done = false;
            foreach (var mirror in mirrors ?? Mirrors)
            {
                var url = mirror.TrimEnd('/') + "/" + file;
                var tmp = Path.Combine(dir, $".{file}.{Guid.NewGuid():N}.tmp");
                try
                {
                    using (var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct))
                    {
                        response.EnsureSuccessStatusCode();
                        await using var fs = File.Create(tmp);
                        await response.Content.CopyToAsync(fs, ct);
                    }
                    var got = await HashAsync(tmp, ct);
                    if (got != sha) { errors.Add($"{url}: SHA-256 {got}, expected {sha}"); continue; }
                    File.Move(tmp, target, overwrite: true);
                    log?.Invoke($"{file}: downloaded from {mirror}, SHA-256 verified");
                    done = true;
                    break;
                }
                catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    errors.Add($"{url}: {e.Message}");
                }
                finally
                {
                    if (File.Exists(tmp)) File.Delete(tmp);
                }
            }
            if (!done) throw new DataException(target, null, null, "could not get a verified copy: " + string.Join("; ", errors));
        }
    }

    /// <summary>Lower-case hex SHA-256 of a file.</summary>
    public static async Task<string> HashAsync(string path, CancellationToken ct = default)
    {
        await using var fs = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(fs, ct));
    }
}
