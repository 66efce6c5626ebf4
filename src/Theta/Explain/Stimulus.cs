using Theta.Nn;

namespace Theta.Explain;

/// <summary>
/// Settings of the best-stimulus search: <paramref name="Steps"/> of gradient ascent with step
/// <paramref name="StepSize"/> (on the gradient scaled to unit RMS), the norm penalty λ = <paramref name="L2"/>,
/// a random shift of up to <paramref name="Jitter"/> pixels each step, pixels clamped to
/// [<paramref name="Min"/>, <paramref name="Max"/>] (MNIST's data range is [0, 1]), and the seed of the
/// starting image and the shifts.
/// </summary>
public sealed record StimulusOptions(int Steps = 200, float StepSize = 0.05f, float L2 = 1e-3f, int Jitter = 1,
    float Min = 0f, float Max = 1f, ulong Seed = 1)
{
    public int Steps { get; } = Steps >= 1 ? Steps : throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "Stimulus: steps must be at least 1");
    public float StepSize { get; } = StepSize > 0 ? StepSize : throw new ArgumentOutOfRangeException(nameof(StepSize), StepSize, "Stimulus: the step size must be > 0");
    public float L2 { get; } = L2 >= 0 ? L2 : throw new ArgumentOutOfRangeException(nameof(L2), L2, "Stimulus: the norm penalty must be ≥ 0");
    public int Jitter { get; } = Jitter >= 0 ? Jitter : throw new ArgumentOutOfRangeException(nameof(Jitter), Jitter, "Stimulus: the jitter must be ≥ 0 pixels");
}

/// <summary>The input found (shape [1, …input shape]) and the unit's activation on it.</summary>
public sealed record StimulusResult(Tensor Image, float Activation);

/// <summary>
/// The best stimulus of a unit: the input x* = argmax_x a_U(x) − λ‖x‖², where a_U is unit U of layer L's
/// output, found by gradient ascent on x (the weights stay fixed). A unit of a layer with output [B, F]
/// (Linear, an activation after it) is one feature; for [B, C, H, W] (Conv2d, pooling) it is channel U,
/// averaged over positions. Each step shifts the image by a random few pixels before the forward pass
/// (jitter), so the picture shows a pattern the unit likes anywhere nearby rather than adversarial noise,
/// and clamps the pixels to the data range.
/// </summary>
public static class Stimulus
{
    /// <summary>Searches for the best stimulus of unit <paramref name="unit"/> of layer <paramref name="layer"/> for inputs of <paramref name="inputShape"/> (one example, no batch axis).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The layer or unit does not exist; the message lists the valid ranges.</exception>
    public static StimulusResult Find(Sequential network, int layer, int unit, int[] inputShape, StimulusOptions? options = null)
    {
        var o = options ?? new StimulusOptions();
        CheckUnit(network, layer, unit, inputShape);
        var rng = new Rng(o.Seed);
        int[] shape = [1, .. inputShape];
        int size = inputShape.Aggregate(1, (a, b) => a * b);
        var (H, W) = SpatialSize(inputShape);
        var x = new float[size];
        for (int i = 0; i < size; i++) x[i] = o.Min + (o.Max - o.Min) * (0.4f + 0.2f * rng.NextFloat()); // mid-grey with a little noise

        using (network.EvalScope(noGrad: false)) // gradients flow to the input
        {
            var shifted = new float[size];
            var g = new float[size];
            for (int step = 0; step < o.Steps; step++)
            {
                int dy = o.Jitter == 0 ? 0 : rng.NextInt(2 * o.Jitter + 1) - o.Jitter;
                int dx = o.Jitter == 0 ? 0 : rng.NextInt(2 * o.Jitter + 1) - o.Jitter;
                Roll(x, shifted, H, W, dy, dx);
                var input = Tensor.FromArray(shifted, shape).RequireGrad();
                var output = Forward(network, layer, input);
                output.Backward(Selector(output.Shape, unit));
                Roll(input.Grad!.Data, g, H, W, -dy, -dx); // d a_U / d x, shifted back
                double ss = 0;
                for (int i = 0; i < size; i++) { g[i] -= 2 * o.L2 * x[i]; ss += (double)g[i] * g[i]; }
                float scale = o.StepSize / (float)Math.Sqrt(ss / size + 1e-12);
                for (int i = 0; i < size; i++) x[i] = Math.Clamp(x[i] + scale * g[i], o.Min, o.Max);
            }
        }
        var image = Tensor.FromArray(x, shape);
        return new StimulusResult(image, UnitActivations(network, layer, unit, image)[0]);
    }

    /// <summary>a_U for each row of the batch <paramref name="x"/> [B, …] (evaluation mode, NoGrad): what the unit does on real inputs.</summary>
    public static float[] UnitActivations(Sequential network, int layer, int unit, Tensor x)
    {
        var output = Activations.Run(network, x)[layer].Output;
        int B = output.Shape[0], per = output.Size / B, units = output.Shape[1], positions = per / units;
        var y = output.Data;
        var a = new float[B];
        for (int b = 0; b < B; b++)
        {
            double sum = 0;
            for (int p = 0; p < positions; p++) sum += y[b * per + unit * positions + p];
            a[b] = (float)(sum / positions);
        }
        return a;
    }

    /// <summary>The number of units of each layer for inputs of <paramref name="inputShape"/>: the size of axis 1 of its output.</summary>
    public static int[] UnitCounts(Sequential network, int[] inputShape)
        => [.. Activations.Run(network, Tensor.Zeros([1, .. inputShape])).Select(a => a.Output.Rank >= 2 ? a.Output.Shape[1] : a.Output.Size)];

    /// <summary>Throws with the valid ranges when layer <paramref name="layer"/> or its unit <paramref name="unit"/> does not exist.</summary>
    public static void CheckUnit(Sequential network, int layer, int unit, int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(network);
        var counts = UnitCounts(network, inputShape);
        string Layers() => string.Join(", ", counts.Select((c, i) => $"{i} {network[i].TypeName} ({c} units)"));
        if (layer < 0 || layer >= counts.Length)
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"layer {layer} does not exist; the layers are 0–{counts.Length - 1}: {Layers()}");
        if (unit < 0 || unit >= counts[layer])
            throw new ArgumentOutOfRangeException(nameof(unit), unit, $"unit {unit} does not exist in layer {layer} ({network[layer].TypeName}); its units are 0–{counts[layer] - 1}");
    }

    private static Tensor Forward(Sequential network, int layer, Tensor x)
    {
        for (int i = 0; i <= layer; i++) x = network[i].Forward(x);
        return x;
    }

    // d(a_U)/d(output): 1/positions on channel U at every position of the (single) example, 0 elsewhere.
    private static Tensor Selector(Shape shape, int unit)
    {
        var s = Tensor.Zeros(shape.Dims);
        int units = shape[1], positions = shape.Size / units;
        s.Data.Slice(unit * positions, positions).Fill(1f / positions);
        return s;
    }

    // The image's last two axes as H×W (a flat input of a square size, such as 784, is taken as √n × √n; otherwise no shift).
    private static (int H, int W) SpatialSize(int[] shape)
    {
        if (shape.Length >= 2) return (shape[^2], shape[^1]);
        int side = (int)Math.Round(Math.Sqrt(shape[0]));
        return side * side == shape[0] ? (side, side) : (1, shape[0]);
    }

    // dst = src shifted circularly by (dy, dx) within every H×W plane.
    private static void Roll(ReadOnlySpan<float> src, Span<float> dst, int H, int W, int dy, int dx)
    {
        int plane = H * W;
        for (int p0 = 0; p0 < src.Length; p0 += plane)
            for (int r = 0; r < H; r++)
                for (int c = 0; c < W; c++)
                    dst[p0 + ((r + dy) % H + H) % H * W + ((c + dx) % W + W) % W] = src[p0 + r * W + c];
    }
}
