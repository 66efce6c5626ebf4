namespace Theta.Cli.Commands;

/// <summary>
/// Checks a verb's output files before any work starts, so a long run never ends by failing on a
/// missing folder after it has already replaced another of its outputs: every path given must be a
/// file name (not a folder) in an existing folder this process can create files in, and no two may be the same.
/// The verbs then write their outputs last, the model after the pictures, each atomically.
/// </summary>
internal static class OutputPaths
{
    /// <param name="outputs">(option name, path or null when not given).</param>
    /// <exception cref="ArgumentException">The first output that could not be written, naming its option.</exception>
    public static void Check(params (string Option, string? Path)[] outputs)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (option, path) in outputs)
        {
            if (path is null) continue;
            if (path.Length == 0) throw new ArgumentException($"{option}: give a file name");
            string full;
            try { full = Path.GetFullPath(path); }
            catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException) { throw new ArgumentException($"{option} {path}: not a usable path ({e.Message})"); }
            if (Directory.Exists(full)) throw new ArgumentException($"{option} {path}: is a folder; give a file name");
            if (seen.TryGetValue(full, out var other)) throw new ArgumentException($"{option} {path}: is also the {other} file; give each output its own file");
            seen[full] = option;
            var dir = Path.GetDirectoryName(full)!;
            if (!Directory.Exists(dir)) throw new ArgumentException($"{option} {path}: the folder {dir} does not exist");
            // Whether a file can be created there is known only by trying: a probe that deletes itself on close.
            var probe = Path.Combine(dir, $".theta-probe-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
            try { using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { } }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new ArgumentException($"{option} {path}: cannot write in {dir} ({e.Message})"); }
        }
    }
}
