namespace Theta;

/// <summary>
/// The one exception for shape errors. Its message names the op, both shapes and the offending
/// dimension, e.g. <c>MatMul: [2, 3] @ [4, 5]: inner dimensions 3 != 4 (dimension 1 of the left)</c>.
/// Thrown through <see cref="Mismatch"/> (two shapes) or <see cref="Invalid"/> (one shape against what the op
/// needs) at the API boundary; kernels only Debug.Assert.
/// </summary>
public sealed class ShapeException : Exception
{
    private ShapeException(string message) : base(message) { }

    /// <summary>The op that rejected the shapes.</summary>
    public string? Op { get; private init; }
    /// <summary>The left (or only) operand's shape.</summary>
    public Shape? Left { get; private init; }
    /// <summary>The right operand's shape (or the requested shape).</summary>
    public Shape? Right { get; private init; }
    /// <summary>The offending dimension, when there is one.</summary>
    public int? Dimension { get; private init; }

    /// <summary>
    /// Builds the standard message: "<paramref name="op"/>: <paramref name="left"/> <paramref name="sep"/>
    /// <paramref name="right"/>: <paramref name="detail"/>".
    /// </summary>
    public static ShapeException Mismatch(string op, Shape left, Shape right, int? dimension, string detail, string sep = "and")
        => new($"{op}: {left} {sep} {right}: {detail}")
        {
            Op = op, Left = left, Right = right, Dimension = dimension,
        };

    /// <summary>
    /// One shape the op cannot take (null where none could be built, as for a dimension below 1): the message is
    /// "<paramref name="op"/>: <paramref name="detail"/>", the detail naming the shape and what was expected.
    /// </summary>
    public static ShapeException Invalid(string op, Shape? shape, string detail, int? dimension = null)
        => new($"{op}: {detail}") { Op = op, Left = shape, Dimension = dimension };
}
