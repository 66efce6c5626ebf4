namespace Theta;

/// <summary>
/// The dimensions of a tensor, outermost first (row-major). Value equality; prints as <c>[2, 3]</c>.
/// Rank 0 is a scalar (one element). Every dimension is at least 1.
/// </summary>
public readonly struct Shape : IEquatable<Shape>
{
    private readonly int[]? _dims;

    /// <summary>A shape with the given dimensions; each must be ≥ 1 and the element count must fit an int.</summary>
    public Shape(params ReadOnlySpan<int> dims)
    {
        _dims = dims.ToArray();
        long size = 1;
        for (int i = 0; i < _dims.Length; i++)
        {
            if (_dims[i] < 1)
                throw ShapeException.Invalid("Shape", null, $"{Format(_dims)}: dimension {i} is {_dims[i]}; every dimension must be at least 1");
            size *= _dims[i];
            if (size > Array.MaxLength)
                throw ShapeException.Invalid("Shape", null, $"{Format(_dims)}: more than {Array.MaxLength} elements");
        }
        Size = (int)size;
    }

    /// <summary>Number of dimensions.</summary>
    public int Rank => _dims?.Length ?? 0;

    /// <summary>Number of elements (the product of the dimensions; 1 for a scalar).</summary>
    public int Size { get => _dims is null ? 1 : field; }

    /// <summary>Dimension <paramref name="axis"/>; negative counts from the end.</summary>
    public int this[int axis] => Dims[NormalizeAxis(axis, "Shape")];

    /// <summary>The dimensions as a read-only span.</summary>
    public ReadOnlySpan<int> Dims => _dims ?? [];

    /// <summary>Maps a possibly negative axis into [0, Rank); names <paramref name="op"/> when out of range.</summary>
    public int NormalizeAxis(int axis, string op)
    {
        int r = Rank;
        int a = axis < 0 ? axis + r : axis;
        if (a < 0 || a >= r)
            throw new ArgumentOutOfRangeException(nameof(axis), axis, $"{op}: axis {axis} is out of range for a tensor of shape {this} (rank {r})");
        return a;
    }

    /// <summary>Row-major strides in elements (the last is 1).</summary>
    public int[] Strides()
    {
        var s = new int[Rank];
        int acc = 1;
        for (int i = Rank - 1; i >= 0; i--) { s[i] = acc; acc *= Dims[i]; }
        return s;
    }

    /// <summary>Product of the dimensions in [from, to).</summary>
    public int Product(int from, int to)
    {
        int p = 1;
        for (int i = from; i < to; i++) p *= Dims[i];
        return p;
    }

    /// <summary>A copy with dimension <paramref name="axis"/> replaced.</summary>
    public Shape With(int axis, int value)
    {
        var d = Dims.ToArray();
        d[axis] = value;
        return new Shape(d);
    }

    public bool Equals(Shape other) => Dims.SequenceEqual(other.Dims);
    public override bool Equals(object? obj) => obj is Shape s && Equals(s);
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (int d in Dims) h.Add(d);
        return h.ToHashCode();
    }
    public static bool operator ==(Shape a, Shape b) => a.Equals(b);
    public static bool operator !=(Shape a, Shape b) => !a.Equals(b);

    public override string ToString() => Format(Dims);

    private static string Format(ReadOnlySpan<int> dims) => "[" + string.Join(", ", dims.ToArray()) + "]";

    public static implicit operator Shape(int[] dims) => new(dims);
}
