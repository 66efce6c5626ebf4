using Microsoft.ML.OnnxRuntime;
using Theta.Io;
using Theta.Nn;

namespace Theta.Onnx.Tests;

/// <summary>ONNX Runtime as the judge: runs an .onnx file on rows, and compares Theta's numbers with its numbers.</summary>
public static class Judge
{
    /// <summary>Runs the model's one input on <paramref name="x"/> (shape [rows, …]); returns its one output, flat, and that output's shape.</summary>
    public static (float[] Values, long[] Shape) Run(string onnx, Tensor x)
    {
        using var session = new InferenceSession(onnx);
        using var input = OrtValue.CreateTensorValueFromMemory(x.ToArray(), x.Shape.Dims.ToArray().Select(d => (long)d).ToArray());
        using var outputs = session.Run(new RunOptions(), [session.InputNames[0]], [input], [session.OutputNames[0]]);
        return (outputs[0].GetTensorDataAsSpan<float>().ToArray(), outputs[0].GetTensorTypeAndShape().Shape);
    }

    /// <summary>The largest |a − b| (NaN anywhere fails).</summary>
    public static double MaxAbsDiff(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        double m = 0;
        for (int i = 0; i < a.Length; i++)
        {
            Assert.False(float.IsNaN(a[i]) || float.IsNaN(b[i]), $"NaN at {i}");
            m = Math.Max(m, Math.Abs(a[i] - b[i]));
        }
        return m;
    }

    /// <summary>Row-wise softmax of logits [rows, C] (to compare networks that end in logits as probabilities).</summary>
    public static float[] Softmax(float[] z, int C)
    {
        var p = new float[z.Length];
        for (int r = 0; r < z.Length / C; r++)
        {
            var row = z.AsSpan(r * C, C);
            float max = float.NegativeInfinity;
            foreach (var v in row) max = Math.Max(max, v);
            double s = 0;
            for (int k = 0; k < C; k++) s += Math.Exp(row[k] - max);
            for (int k = 0; k < C; k++) p[r * C + k] = (float)(Math.Exp(row[k] - max) / s);
        }
        return p;
    }

    /// <summary>Same layers (as Theta describes them) and bit-identical parameters.</summary>
    public static void SameNetwork(Sequential expected, Sequential actual)
    {
        Assert.Equal(NetworkArchitecture.ToJson(expected).ToJsonString(), NetworkArchitecture.ToJson(actual).ToJsonString());
        var e = expected.NamedParameters().ToList();
        var a = actual.NamedParameters().ToList();
        Assert.Equal(e.Select(p => p.Name), a.Select(p => p.Name));
        for (int i = 0; i < e.Count; i++)
        {
            Assert.Equal(e[i].Parameter.Shape, a[i].Parameter.Shape);
            var eb = System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(e[i].Parameter.Data);
            var ab = System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(a[i].Parameter.Data);
            Assert.True(eb.SequenceEqual(ab), $"parameter {e[i].Name} differs in its bits");
        }
    }

    /// <summary>A fresh folder under the temp directory for one test's files.</summary>
    public static string TempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), "theta-onnx-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }
}
