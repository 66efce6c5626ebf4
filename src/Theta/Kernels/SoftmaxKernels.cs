using System.Numerics.Tensors;

namespace Theta.Kernels;

/// <summary>Softmax / log-softmax of one contiguous lane x[n] (stable: the maximum is subtracted first).</summary>
internal static class SoftmaxKernels
{
    /// <summary>y = softmax(x) or log_softmax(x); x and y may not alias.</summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, bool log)
    {
        float m = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, m, y);          // y = x − m  (≤ 0)
        if (log)
        {
            // log Σ e^(x−m) in double for the sum: e^0 = 1 is one of the terms, so it is ≥ 1.
            double s = 0;
            foreach (float v in y) s += Math.Exp(v);
            TensorPrimitives.Subtract(y, (float)Math.Log(s), y);
        }
        else
        {
            TensorPrimitives.Exp(y, y);
            TensorPrimitives.Divide(y, TensorPrimitives.Sum(y), y);
        }
    }

    /// <summary>dx += the softmax (or log-softmax) backward of g, given the forward output y.</summary>
    public static void Backward(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx, bool log)
    {
        if (log)
        {
            // dx += g − e^y · Σg
            float sg = TensorPrimitives.Sum(g);
            for (int j = 0; j < dx.Length; j++) dx[j] += g[j] - MathF.Exp(y[j]) * sg;
        }
        else
        {
            // dx += y ⊙ (g − Σ g⊙y)
            float dot = TensorPrimitives.Dot(g, y);
            for (int j = 0; j < dx.Length; j++) dx[j] += y[j] * (g[j] - dot);
        }
    }
}
