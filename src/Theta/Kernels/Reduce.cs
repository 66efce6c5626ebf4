namespace Theta.Kernels;

/// <summary>Reductions that need more precision than a float accumulator gives.</summary>
internal static class Reduce
{
    /// <summary>Σ x², accumulated in double.</summary>
    public static double SumOfSquares(ReadOnlySpan<float> x)
    {
        double s = 0;
        foreach (float v in x) s += (double)v * v;
        return s;
    }
}
