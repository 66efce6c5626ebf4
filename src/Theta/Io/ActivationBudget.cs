using System.Globalization;
using Theta.Nn;

namespace Theta.Io;

/// <summary>
/// What a network read from a file may make Theta allocate for one example, checked from the
/// architecture alone, before any forward pass: each layer's output shape is worked out in 64-bit
/// arithmetic from the input shape, and
/// <code>
///   Σ_layers output floats + the largest layer's workspace  ≤  limit
///   limit = 64 × (floats of weights in the file) + 16 Mi floats (64 MiB)    (default)
/// </code>
/// (a convolution's workspace is its column buffer C·K²·OH·OW or its padded image C·(H+2p)·(W+2p),
/// whichever is larger; max-pooling keeps one int per output). A small file cannot claim a
/// large computation: the weights it holds pay for it. Layer settings are bounded by what the
/// input makes meaningful (a kernel inside the padded input, a layer's inputs matching its
/// input's size, an axis inside the rank), each refusal one line naming the file, the layer and the field.
/// </summary>
public static class ActivationBudget
{
    /// <summary>Floats of activation a file may claim per float of weight it holds.</summary>
    public const long PerWeight = 64;

    /// <summary>Floats every file may claim whatever its weights (16 Mi floats = 64 MiB).</summary>
    public const long Allowance = 16L << 20;

    /// <summary>The default limit, in floats, for a file holding <paramref name="weights"/> floats of weights.</summary>
    public static long LimitFor(long weights) => weights > (long.MaxValue - Allowance) / PerWeight ? long.MaxValue : PerWeight * weights + Allowance;

    /// <summary>
    /// Checks that <paramref name="model"/> takes one example of <paramref name="inputShape"/> (no batch axis)
    /// within <paramref name="limitFloats"/>; returns the floats it needs. Nothing is allocated.
    /// </summary>
    /// <param name="file">Names the file in errors.</param>
    /// <param name="field">Where the input shape came from, for errors: <c>architecture field "inputShape"</c>, <c>--input-shape</c>.</param>
    /// <exception cref="ModelFormatException">A layer the input does not fit, or more than the limit.</exception>
    public static long Check(Module model, ReadOnlySpan<int> inputShape, string file, long limitFloats, string field = "architecture field \"inputShape\"")
    {
        var shape = new long[inputShape.Length + 1];
        shape[0] = 1;
        for (int i = 0; i < inputShape.Length; i++)
            shape[i + 1] = inputShape[i] >= 1 ? inputShape[i] : throw new ModelFormatException($"{file}: {field} {Dims(inputShape.ToArray())} must hold positive sizes");
        long inputFloats = Size(shape);
        if (inputShape.Length == 0 || inputShape.Length > 8 || inputFloats > limitFloats)
            throw new ModelFormatException($"{file}: {field} {Dims(inputShape.ToArray())} is {(inputShape.Length is 0 or > 8 ? "not 1 to 8 sizes" : $"{Count(inputFloats)} values per example, over {Limit(limitFloats)}")}") { OverBudget = true };
        var walk = new Walk(file, limitFloats) { Total = inputFloats };
        walk.Layer(model, "", shape);
        return walk.Total + walk.Workspace;
    }

    // The walk's running totals: outputs of every layer so far, the largest workspace.
    private sealed class Walk(string file, long limit)
    {
        public long Total, Workspace;

        public long[] Layer(Module m, string name, long[] x)
        {
            if (m is Sequential seq)
            {
                for (int i = 0; i < seq.Count; i++) x = Layer(seq[i], name.Length == 0 ? $"{i}" : $"{name}.{i}", x);
                return x;
            }
            string where = $"{file}: layer {(name.Length == 0 ? "0" : name)} ({m.TypeName})";
            var (y, work) = Rule(m, x, where);
            Total = Add(Total, Size(y));
            Workspace = Math.Max(Workspace, work);
            if (Add(Total, Workspace) > limit)
                throw new ModelFormatException($"{where} outputs {Dims(y)}: one example would need {Count(Add(Total, Workspace))} floats of activations, over {Limit(limit)}") { OverBudget = true };
            return y;
        }

        // A layer's output shape and workspace (in floats) for input x [1, …].
        private static (long[] Y, long Work) Rule(Module m, long[] x, string where)
        {
            ModelFormatException Bad(string field, string what) => new($"{where}: field \"{field}\" {what} for its input {Dims(x)}");
            switch (m)
            {
                case Linear l:
                    if (x.Length != 2 || x[1] != l.InFeatures) throw Bad("in", $"is {l.InFeatures}; it must match the features of the input [1, n]");
                    return ([1, l.OutFeatures], 0);
                case Conv2d c:
                {
                    if (x.Length != 4 || x[1] != c.InChannels) throw Bad("in", $"is {c.InChannels}; it must match the channels of the input [1, C, H, W]");
                    if (c.Padding >= c.Kernel) throw Bad("padding", $"is {c.Padding}; expected less than the kernel {c.Kernel}");
                    long ph = x[2] + 2L * c.Padding, pw = x[3] + 2L * c.Padding;
                    if (ph < c.Kernel || pw < c.Kernel) throw Bad("kernel", $"is {c.Kernel}, larger than the padded {ph}×{pw} input");
                    long oh = (ph - c.Kernel) / c.Stride + 1, ow = (pw - c.Kernel) / c.Stride + 1;
                    long col = Mul(Mul(x[1], (long)c.Kernel * c.Kernel), Mul(oh, ow)), padded = Mul(x[1], Mul(ph, pw));
                    return ([1, c.OutChannels, oh, ow], Math.Max(col, padded));
                }
                case MaxPool2d p:
                {
                    if (x.Length != 4) throw Bad("kernel", "needs a 4-d input [1, C, H, W]");
                    if (p.Stride < 1) throw Bad("stride", $"is {p.Stride}; expected at least 1");
                    if (p.Padding < 0 || 2L * p.Padding > p.Kernel) throw Bad("padding", $"is {p.Padding}; expected 0 to half the kernel {p.Kernel}");
                    long ph = x[2] + 2L * p.Padding, pw = x[3] + 2L * p.Padding;
                    if (ph < p.Kernel || pw < p.Kernel) throw Bad("kernel", $"is {p.Kernel}, larger than the padded {ph}×{pw} input");
                    long oh = (ph - p.Kernel) / p.Stride + 1, ow = (pw - p.Kernel) / p.Stride + 1;
                    return ([1, x[1], oh, ow], Mul(x[1], Mul(oh, ow)));   // the argmax: one int per output
                }
                case Flatten f:
                {
                    int s = Axis(f.StartDim, x.Length), e = Axis(f.EndDim, x.Length);
                    if (s < 0) throw Bad("startDim", $"is {f.StartDim}; expected an axis of the rank-{x.Length} input");
                    if (e < 0) throw Bad("endDim", $"is {f.EndDim}; expected an axis of the rank-{x.Length} input");
                    if (s > e) throw Bad("startDim", $"is {f.StartDim}, after endDim {f.EndDim}");
                    return ([.. x[..s], Size(x[s..(e + 1)]), .. x[(e + 1)..]], 0);
                }
                case Softmax sm:
                    if (Axis(sm.Axis, x.Length) < 0) throw Bad("axis", $"is {sm.Axis}; expected an axis of the rank-{x.Length} input");
                    return (x, 0);
                case LogSoftmax ls:
                    if (Axis(ls.Axis, x.Length) < 0) throw Bad("axis", $"is {ls.Axis}; expected an axis of the rank-{x.Length} input");
                    return (x, 0);
                case Dropout or Sigmoid or Tanh or ReLU or LeakyReLU:
                    return (x, 0);
                default:
                    // NOTE: every type NetworkArchitecture builds needs a rule here (a test checks the table).
                    throw new ModelFormatException($"{where}: no size rule for this layer type, so its memory cannot be checked");
            }
        }
    }

    private static int Axis(int axis, int rank) => axis < 0 ? (axis + rank >= 0 ? axis + rank : -1) : (axis < rank ? axis : -1);

    // Products and sums saturate at long.MaxValue: anything that large is over every limit.
    private static long Mul(long a, long b) => a != 0 && b > long.MaxValue / a ? long.MaxValue : a * b;
    private static long Add(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;
    private static long Size(ReadOnlySpan<long> dims) { long p = 1; foreach (var d in dims) p = Mul(p, d); return p; }

    private static string Dims(long[] d) => $"[{string.Join(", ", d)}]";
    private static string Dims(int[] d) => $"[{string.Join(", ", d)}]";
    private static string Count(long n) => n == long.MaxValue ? "more than 2⁶³" : n.ToString("N0", CultureInfo.InvariantCulture);
    private static string Limit(long floats) => $"the limit of {Count(floats)} floats ({(floats / (1 << 18)).ToString("N0", CultureInfo.InvariantCulture)} MiB) per example";
}
