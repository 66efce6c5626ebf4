namespace Theta;

/// <summary>
/// The argument checks behind the options records (optimizers, trainer, search space): a bad value is an
/// <see cref="ArgumentException"/> whose message is <c>{type}: {field} must be {what}, got {value}</c>.
/// </summary>
internal static class Check
{
    public static float Positive(float v, string type, string field) => v > 0 && float.IsFinite(v) ? v : throw Bad(type, field, v, "positive and finite");

    public static float NonNegative(float v, string type, string field) => v >= 0 && float.IsFinite(v) ? v : throw Bad(type, field, v, "non-negative and finite");

    /// <summary>A decay rate in [0, 1).</summary>
    public static float Fraction(float v, string type, string field) => v >= 0 && v < 1 ? v : throw Bad(type, field, v, "in [0, 1)");

    public static int AtLeast(int v, int min, string type, string field) => v >= min ? v : throw Bad(type, field, v, $"at least {min}");

    public static ArgumentException Bad(string type, string field, object v, string what) => new($"{type}: {field} must be {what}, got {v}", field);
}
