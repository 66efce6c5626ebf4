using System.Collections.Concurrent;

namespace Theta.Io;

/// <summary>
/// Model files in formats other than Theta's own, read by a package that registers itself here (by
/// file extension) so that every loader takes them: <see cref="NetworkFile.Read(string, int[], long?)"/> and the tools built on
/// it (a format that also holds tabular models registers their reader with <c>Theta.Tabular.ModelFile.RegisterForeign</c>). Theta.Onnx registers ".onnx" (<c>Theta.Io.OnnxFile.Register()</c>); the core
/// library itself reads no other format and depends on no parser.
/// </summary>
public static class ForeignFormats
{
    /// <summary>How to read one format as a network.</summary>
    public sealed record Reader(Func<string, NetworkModel> Network);

    private static readonly ConcurrentDictionary<string, Reader> Readers = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Registers <paramref name="reader"/> for files ending in <paramref name="extension"/> (such as ".onnx").</summary>
    public static void Register(string extension, Reader reader) => Readers[extension] = reader;

    /// <summary>The reader for <paramref name="path"/>'s extension, or null for Theta's own format.</summary>
    public static Reader? For(string path) => Readers.GetValueOrDefault(Path.GetExtension(path));
}
