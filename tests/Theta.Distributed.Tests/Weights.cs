using Theta.Io;
using Theta.Training;
using Theta.Tabular;

namespace Theta.Distributed.Tests;

/// <summary>Compares the weights of two saved models: network files from <c>train mnist</c>, model files (named *.model here) from <c>train</c>.</summary>
internal static class Weights
{
    public static (string Name, float[] Values)[] Of(string path)
    {
        var net = path.EndsWith(".model", StringComparison.Ordinal) ? ((NetworkClassifier)ModelFile.Load(path).Classifier).Network : NetworkFile.Load(path);
        return [.. net.NamedParameters().Select(p => (p.Name, p.Parameter.Data.ToArray()))];
    }

    /// <summary>The largest relative difference ‖a − b‖₂ / ‖a‖₂ over the tensors, with the tensor's name.</summary>
    public static (double Relative, string Name) Difference(string a, string b)
    {
        var (x, y) = (Of(a), Of(b));
        Assert.Equal(x.Select(t => t.Name), y.Select(t => t.Name));
        return x.Zip(y, (p, q) =>
        {
            double d = 0, n = 0;
            for (int i = 0; i < p.Values.Length; i++) { d += Math.Pow(p.Values[i] - q.Values[i], 2); n += Math.Pow(p.Values[i], 2); }
            return (Math.Sqrt(d / Math.Max(n, 1e-30)), p.Name);
        }).MaxBy(t => t.Item1);
    }

    public static void AssertClose(string a, string b, double tolerance)
    {
        var (relative, name) = Difference(a, b);
        Assert.True(relative <= tolerance, $"{Path.GetFileName(a)} vs {Path.GetFileName(b)}: {name} differs by {relative:E2} relative (allowed {tolerance:E0})");
    }

    public static void AssertIdentical(string a, string b)
    {
        foreach (var (p, q) in Of(a).Zip(Of(b)))
            Assert.True(p.Values.AsSpan().SequenceEqual(q.Values), $"{Path.GetFileName(a)} vs {Path.GetFileName(b)}: {p.Name} differs");
    }
}
