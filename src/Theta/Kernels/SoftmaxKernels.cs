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

    /// <summary>
    /// dx += the softmax (or log-softmax) backward of g, given the forward output y. Whole-lane TensorPrimitives passes
    /// (512-bit where the runtime accelerates Vector512) through one temporary t: the same two roundings per element as
    /// the scalar formulas, y·(g − dot) then + dx (TensorPrimitives.MultiplyAdd is not fused), and g − e^y·Σg then + dx.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx, bool log)
    {
        int n = dx.Length;
        using var rented = n > StackLane ? Scratch.Rent(n) : default;
        Span<float> t = n > StackLane ? rented.Span : stackalloc float[n];
        if (log)
        {
            // dx += g − e^y · Σg
            float sg = TensorPrimitives.Sum(g);
            TensorPrimitives.Exp(y, t);
            TensorPrimitives.MultiplyAdd(t, -sg, g, t);   // e^y·(−Σg) + g: exactly g − e^y·Σg
            TensorPrimitives.Add(dx, t, dx);
        }
        else
        {
            // dx += y ⊙ (g − Σ g⊙y)
            float dot = TensorPrimitives.Dot(g, y);
            TensorPrimitives.Subtract(g, dot, t);
            TensorPrimitives.MultiplyAdd(y, t, dx, dx);
        }
    }

    /// <summary>Lanes up to this long keep their temporary on the stack (1 KiB).</summary>
    private const int StackLane = 256;
}
