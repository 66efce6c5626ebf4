namespace Theta.Io;

/// <summary>
/// Writes a file all at once or not at all: the content goes to a temporary file beside the
/// target, which is flushed and then renamed over it. A crash or an exception midway leaves the
/// old file (if any) untouched and no half-written output. A process killed mid-write (SIGKILL, power)
/// leaves its temporary file behind; the next write of the same target deletes those of processes
/// no longer running.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"{path}: the folder {dir} does not exist");
        RemoveStale(dir, Path.GetFileName(full));
        var tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(fs);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { }
            throw;
        }
    }

    // Deletes ".name.PID.GUID.tmp" files beside the target whose writer (PID) is gone.
    private static void RemoveStale(string dir, string name)
    {
        try
        {
            foreach (var tmp in Directory.EnumerateFiles(dir, $".{name}.*.tmp"))
            {
                var parts = Path.GetFileName(tmp)[(name.Length + 2)..].Split('.');
                if (parts.Length != 3 || !int.TryParse(parts[0], out int pid) || pid == Environment.ProcessId || IsRunning(pid)) continue;
                try { File.Delete(tmp); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }   // tidying is best effort; the write goes on
    }

    private static bool IsRunning(int pid)
    {
        try { using var p = System.Diagnostics.Process.GetProcessById(pid); return !p.HasExited; }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException) { return false; }
    }

    /// <summary>Writes text atomically (UTF-8).</summary>
    public static void WriteText(string path, string text) =>
        Write(path, s => { using var w = new StreamWriter(s, leaveOpen: true); w.Write(text); });
}
