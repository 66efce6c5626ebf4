using System.Security.Cryptography;
using System.Text;

namespace Theta.Distributed;

/// <summary>
/// A SHA-256 over a run's command line and the bytes of its data files, which <see cref="MpiWorld.Ready"/>
/// compares across ranks: ranks started with other arguments (mpirun's A : B form) or reading other
/// files under the same names (other machines) would silently train on different things.
/// </summary>
public static class RunFingerprint
{
    /// <summary>The hash of <paramref name="args"/> (in order) and of each file's name and contents; a folder stands for its files (sorted by name).</summary>
    public static byte[] Of(IEnumerable<string> args, IEnumerable<string> files)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var a in args) sha.AppendData(Encoding.UTF8.GetBytes(a + "\0"));
        var buffer = new byte[1 << 20];
        foreach (var path in files.SelectMany(f => Directory.Exists(f) ? Directory.GetFiles(f).Order(StringComparer.Ordinal) : (IEnumerable<string>)[f]))
        {
            if (!File.Exists(path)) continue; // a missing file is reported by the reader, with its own message
            sha.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(path) + "\0"));
            using var s = File.OpenRead(path);
            int read;
            while ((read = s.Read(buffer)) > 0) sha.AppendData(buffer, 0, read);
        }
        return sha.GetHashAndReset();
    }
}
