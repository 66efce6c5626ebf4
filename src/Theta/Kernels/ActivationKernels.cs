using System.Numerics;
using System.Runtime.Intrinsics;

namespace Theta.Kernels;

/// <summary>
/// Activation kernels that TensorPrimitives lacks; Vector512 bodies on the avx512 path (<see cref="Isa"/>), else
/// Vector&lt;float&gt; (256 bits on x86, also on AVX-512 machines), each with a scalar tail. The same arithmetic per element
/// on every path, so the same bits. The <c>wide</c> overloads let the tests run either body on any CPU.
/// </summary>
internal static class ActivationKernels
{
    private static bool Wide => Isa.Current == GemmPath.Avx512;

    /// <summary>
    /// dx += g · [y &gt; 0], with y = relu(x) saved by the forward; dx = g · [y &gt; 0] when <paramref name="fresh"/>
    /// (dx may then hold garbage). Long arrays in parallel blocks (each element is one thread's).
    /// </summary>
    public static void ReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx, bool fresh = false)
        => ReluBackward(y, g, dx, fresh, Wide);

    internal static unsafe void ReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx, bool fresh, bool wide)
    {
        fixed (float* py = y, pg = g, pd = dx)
        {
            nint ay = (nint)py, ag = (nint)pg, ad = (nint)pd;
            int n = dx.Length;
            Chunks.ForBlocks(n, (start, length) => ReluBackwardBlock(
                new ReadOnlySpan<float>((float*)ay + start, length), new ReadOnlySpan<float>((float*)ag + start, length),
                new Span<float>((float*)ad + start, length), fresh, wide));
        }
    }

    private static void ReluBackwardBlock(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx, bool fresh, bool wide)
    {
        int i = 0, w = Vector<float>.Count;
        for (; wide && i <= dx.Length - 16; i += 16)
        {
            var m = Vector512.GreaterThan(Vector512.Create(y[i..]), Vector512<float>.Zero);
            var add = Vector512.ConditionalSelect(m, Vector512.Create(g[i..]), Vector512<float>.Zero);
            (fresh ? add : Vector512.Create(dx[i..]) + add).CopyTo(dx[i..]);
        }
        for (; i <= dx.Length - w; i += w)
        {
            var m = Vector.GreaterThan(new Vector<float>(y[i..]), Vector<float>.Zero);
            var add = Vector.ConditionalSelect(m, new Vector<float>(g[i..]), Vector<float>.Zero);
            (fresh ? add : new Vector<float>(dx[i..]) + add).CopyTo(dx[i..]);
        }
        for (; i < dx.Length; i++) dx[i] = (fresh ? 0f : dx[i]) + (y[i] > 0 ? g[i] : 0f);
    }

    /// <summary>y = max(x, 0), long arrays in parallel blocks.</summary>
    public static unsafe void Relu(ReadOnlySpan<float> x, Span<float> y)
    {
        fixed (float* px = x, py = y)
        {
            nint ax = (nint)px, ay = (nint)py;
            Chunks.ForBlocks(y.Length, (start, length) => System.Numerics.Tensors.TensorPrimitives.Max(
                new ReadOnlySpan<float>((float*)ax + start, length), 0f, new Span<float>((float*)ay + start, length)));
        }
    }

    /// <summary>y = x &gt; 0 ? x : slope·x.</summary>
    public static void LeakyRelu(ReadOnlySpan<float> x, float slope, Span<float> y) => LeakyRelu(x, slope, y, Wide);

    internal static void LeakyRelu(ReadOnlySpan<float> x, float slope, Span<float> y, bool wide)
    {
        int i = 0, w = Vector<float>.Count;
        for (var s16 = Vector512.Create(slope); wide && i <= x.Length - 16; i += 16)
        {
            var v = Vector512.Create(x[i..]);
            Vector512.ConditionalSelect(Vector512.GreaterThan(v, Vector512<float>.Zero), v, v * s16).CopyTo(y[i..]);
        }
        var s = new Vector<float>(slope);
        for (; i <= x.Length - w; i += w)
        {
            var v = new Vector<float>(x[i..]);
            Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float>.Zero), v, v * s).CopyTo(y[i..]);
        }
        for (; i < x.Length; i++) y[i] = x[i] > 0 ? x[i] : slope * x[i];
    }

    /// <summary>dx += g · (x &gt; 0 ? 1 : slope).</summary>
    public static void LeakyReluBackward(ReadOnlySpan<float> x, float slope, ReadOnlySpan<float> g, Span<float> dx)
        => LeakyReluBackward(x, slope, g, dx, Wide);

    internal static void LeakyReluBackward(ReadOnlySpan<float> x, float slope, ReadOnlySpan<float> g, Span<float> dx, bool wide)
    {
        int i = 0, w = Vector<float>.Count;
        for (var s16 = Vector512.Create(slope); wide && i <= x.Length - 16; i += 16)
        {
            var gv = Vector512.Create(g[i..]);
            var m = Vector512.GreaterThan(Vector512.Create(x[i..]), Vector512<float>.Zero);
            (Vector512.Create(dx[i..]) + Vector512.ConditionalSelect(m, gv, gv * s16)).CopyTo(dx[i..]);
        }
        var s = new Vector<float>(slope);
        for (; i <= x.Length - w; i += w)
        {
            var gv = new Vector<float>(g[i..]);
            var m = Vector.GreaterThan(new Vector<float>(x[i..]), Vector<float>.Zero);
            (new Vector<float>(dx[i..]) + Vector.ConditionalSelect(m, gv, gv * s)).CopyTo(dx[i..]);
        }
        for (; i < x.Length; i++) dx[i] += x[i] > 0 ? g[i] : slope * g[i];
    }

    /// <summary>The index of the first value that is neither 0 nor 1, or −1 (binary-feature check).</summary>
    public static int IndexOfNonBinary(ReadOnlySpan<float> x)
    {
        int i = 0, w = Vector<float>.Count;
        for (; i <= x.Length - w; i += w)
        {
            var v = new Vector<float>(x[i..]);
            var ok = Vector.Equals(v, Vector<float>.Zero) | Vector.Equals(v, Vector<float>.One);
            if (!Vector.EqualsAll(ok, new Vector<int>(-1))) break;
        }
        for (; i < x.Length; i++) if (x[i] != 0f && x[i] != 1f) return i;
        return -1;
    }
}
