using System.Globalization;
using System.Text;

namespace Theta;

/// <summary>
/// A float32, N-dimensional, contiguous row-major tensor that can record the ops applied to it
/// (define-by-run reverse-mode autodiff). Images are NCHW.
/// <para>Creation: <see cref="FromArray(float[], int[])"/>, <see cref="Zeros"/>, <see cref="Ones"/>,
/// <see cref="Full"/>, <see cref="Uniform"/>, <see cref="Normal"/>. Ops live in the <c>Ops/</c> files
/// (forward and backward side by side); <see cref="Backward(Tensor?)"/> runs the chain rule.</para>
/// </summary>
public sealed partial class Tensor
{
    // The storage: elements [Start, Start + Size) of Buffer, which may be longer and may be shared by Reshape
    // and by a View of the caller's array.
    internal readonly float[] Buffer;
    internal readonly int Start;

    /// <summary>The dimensions of this tensor.</summary>
    public Shape Shape { get; }

    /// <summary>Number of elements.</summary>
    public int Size => Shape.Size;

    /// <summary>Number of dimensions.</summary>
    public int Rank => Shape.Rank;

    /// <summary>The elements in row-major order. Writing here bypasses autodiff (use for initialisation and optimizer steps).</summary>
    public Span<float> Data => Buffer.AsSpan(Start, Shape.Size);

    internal Tensor(Shape shape, float[] buffer, int start = 0)
    {
        if (start < 0 || buffer.Length - start < shape.Size)
            throw new ArgumentException($"Tensor: a buffer of {buffer.Length} elements from element {start} is too small for shape {shape}");
        Shape = shape;
        Buffer = buffer;
        Start = start;
    }

    // An op's output or an intermediate gradient: zeroed, from the open TensorArena if any.
    internal Tensor(Shape shape) : this(shape, TensorArena.Floats(shape.Size)) { }

    /// <summary>An op's output that the op overwrites completely: not zeroed when it comes from the open arena.</summary>
    internal static Tensor Uninitialized(Shape shape) => new(shape, TensorArena.Floats(shape.Size, clear: false));

    // Creation functions never take arena memory: what the user creates outlives any step.
    private static Tensor Fresh(Shape shape) => new(shape, new float[shape.Size]);

    // ---- creation ---------------------------------------------------------------------------

    /// <summary>A tensor holding a copy of <paramref name="values"/> with the given shape.</summary>
    public static Tensor FromArray(float[] values, params int[] shape) => FromSpan(values, shape);

    /// <summary>A tensor holding a copy of <paramref name="values"/> with the given shape.</summary>
    public static Tensor FromSpan(ReadOnlySpan<float> values, params ReadOnlySpan<int> shape)
    {
        var s = new Shape(shape);
        if (values.Length != s.Size)
            throw ShapeException.Invalid("FromSpan", s, $"{values.Length} values cannot fill shape {s} ({s.Size} elements)");
        var t = Fresh(s);
        values.CopyTo(t.Buffer);
        return t;
    }

    /// <summary>
    /// A tensor over elements [<paramref name="offset"/>, offset + size) of <paramref name="array"/>, without a copy:
    /// a mini-batch of a data set held in one array, as a slice <c>x[i:i+64]</c> is in PyTorch. Writes through
    /// either are seen by both; the view is a leaf like any tensor the caller creates.
    /// </summary>
    public static Tensor View(float[] array, int offset, params ReadOnlySpan<int> shape)
    {
        ArgumentNullException.ThrowIfNull(array);
        var s = new Shape(shape);
        if (offset < 0 || array.Length - offset < s.Size)
            throw new ArgumentOutOfRangeException(nameof(offset),
                $"View: shape {s} ({s.Size} elements) from element {offset} does not fit in an array of {array.Length} elements");
        return new Tensor(s, array, offset);
    }

    /// <summary>A 1-d tensor holding a copy of <paramref name="values"/>.</summary>
    public static Tensor FromArray(float[] values) => FromSpan(values, values.Length);

    /// <summary>A 2-d tensor from a rectangular array.</summary>
    public static Tensor FromArray(float[,] values)
    {
        int r = values.GetLength(0), c = values.GetLength(1);
        var t = Fresh(new Shape(r, c));
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++)
                t.Buffer[i * c + j] = values[i, j];
        return t;
    }

    /// <summary>A scalar (rank-0) tensor.</summary>
    public static Tensor Scalar(float value) => new(new Shape(), [value]);

    /// <summary>All zeros.</summary>
    public static Tensor Zeros(params ReadOnlySpan<int> shape) => Fresh(new Shape(shape));

    /// <summary>All ones.</summary>
    public static Tensor Ones(params ReadOnlySpan<int> shape) => Full(1f, shape);

    /// <summary>Every element equal to <paramref name="value"/>.</summary>
    public static Tensor Full(float value, params ReadOnlySpan<int> shape)
    {
        var t = Fresh(new Shape(shape));
        t.Data.Fill(value);
        return t;
    }

    /// <summary>Zeros with the shape of <paramref name="like"/>.</summary>
    public static Tensor ZerosLike(Tensor like) => Fresh(like.Shape);

    /// <summary>Uniform values in [<paramref name="low"/>, <paramref name="high"/>) from <paramref name="rng"/>.</summary>
    public static Tensor Uniform(Rng rng, float low, float high, params ReadOnlySpan<int> shape)
    {
        if (!(low < high)) throw new ArgumentException($"Uniform: low ({low}) must be below high ({high})");
        var t = Fresh(new Shape(shape));
        var d = t.Data;
        for (int i = 0; i < d.Length; i++) d[i] = low + (high - low) * rng.NextFloat();
        return t;
    }

    /// <summary>Normal values N(<paramref name="mean"/>, <paramref name="std"/>²) from <paramref name="rng"/>.</summary>
    public static Tensor Normal(Rng rng, float mean, float std, params ReadOnlySpan<int> shape)
    {
        if (!(std >= 0)) throw new ArgumentException($"Normal: std ({std}) must be non-negative");
        var t = Fresh(new Shape(shape));
        var d = t.Data;
        for (int i = 0; i < d.Length; i++) d[i] = (float)(mean + std * rng.NextNormal());
        return t;
    }

    // ---- element access -----------------------------------------------------------------

    /// <summary>The element at a full index (one coordinate per dimension).</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public float this[params ReadOnlySpan<int> index]
    {
        get => Data[Offset(index)];
        set => Data[Offset(index)] = value;
    }

    private int Offset(ReadOnlySpan<int> index)
    {
        if (index.Length != Rank)
            throw new ArgumentException($"Index: {index.Length} coordinates for a tensor of shape {Shape}");
        int off = 0;
        for (int i = 0; i < index.Length; i++)
        {
            int d = Shape.Dims[i];
            if ((uint)index[i] >= (uint)d)
                throw new IndexOutOfRangeException($"Index: coordinate {index[i]} is out of range for dimension {i} of shape {Shape}");
            off = off * d + index[i];
        }
        return off;
    }

    /// <summary>The value of a one-element tensor.</summary>
    public float Item()
    {
        if (Size != 1) throw new InvalidOperationException($"Item: the tensor has shape {Shape}, not one element");
        return Data[0];
    }

    /// <summary>A copy of the elements.</summary>
    public float[] ToArray() => Data.ToArray();

    /// <summary>A copy that records no history and does not require a gradient.</summary>
    public Tensor Detach() => FromSpan(Data, Shape.Dims);

    // ---- printing -----------------------------------------------------------------------

    /// <summary>Shape, then up to 6 values per dimension (first 3 … last 3), e.g. <c>Tensor [2, 3] [[1, 2, 3], [4, 5, 6]]</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("Tensor ").Append(Shape);
        if (RequiresGrad) sb.Append(Node is { } n ? $" (grad_fn={n.Op})" : " (requires_grad)");
        sb.Append(' ');
        if (Rank == 0) sb.Append(Fmt(Data[0]));
        else Preview(sb, 0, 0);
        return sb.ToString();
    }

    private void Preview(StringBuilder sb, int dim, int offset)
    {
        int n = Shape.Dims[dim];
        int stride = Shape.Product(dim + 1, Rank);
        sb.Append('[');
        for (int i = 0; i < n; i++)
        {
            if (n > 6 && i == 3) { sb.Append("…, "); i = n - 3; }
            if (dim == Rank - 1) sb.Append(Fmt(Data[offset + i]));
            else Preview(sb, dim + 1, offset + i * stride);
            if (i < n - 1) sb.Append(", ");
        }
        sb.Append(']');
    }

    private static string Fmt(float v) => v.ToString("G5", CultureInfo.InvariantCulture);
}
