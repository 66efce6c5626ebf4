namespace Theta.Tests.Kernels;

/// <summary>Seeded data and magnitude-relative comparisons shared by the kernel tests.</summary>
internal static class KernelTestData
{
    /// <summary>n uniform values in [−1, 1) from <c>new Random(seed)</c>.</summary>
    public static float[] Uniform(int seed, int n)
    {
        var rng = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
        return a;
    }

    public static float[] Abs(float[] a) => Array.ConvertAll(a, MathF.Abs);

    /// <summary>Parses a one-line case "1 2 3" into its integers.</summary>
    public static int[] Ints(string line) => Array.ConvertAll(line.Split(' ', StringSplitOptions.RemoveEmptyEntries), int.Parse);

    /// <summary>
    /// |actual − expected| ≤ rel · magnitude elementwise, where magnitude[i] is Σ|terms| that make
    /// up element i (the same computation run on absolute values), so the bound scales with what
    /// float32 rounding can lose rather than being a loose constant.
    /// </summary>
    public static void AssertClose(float[] expected, float[] actual, float[] magnitude, double rel = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tol = rel * magnitude[i] + 1e-30;
            if (!(Math.Abs(actual[i] - expected[i]) <= tol))
                Assert.Fail($"element {i}: expected {expected[i]}, got {actual[i]} (tolerance {tol:G3})");
        }
    }
}
