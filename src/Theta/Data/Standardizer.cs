namespace Theta.Data;

/// <summary>
/// Per-feature standardisation x' = (x − μ) / σ, with μ and σ fitted on the training data only
/// (σ = 1 for a constant feature) and stored with the model so test data gets the same map.
/// </summary>
public sealed class Standardizer(float[] mean, float[] std)
{
    public float[] Mean { get; } = mean.Length == std.Length ? mean : throw new ArgumentException($"Standardizer: {mean.Length} means but {std.Length} deviations");
    public float[] Std { get; } = std;

    /// <summary>Fits μ and σ (population standard deviation) to the columns of X [rows, d].</summary>
    public static Standardizer Fit(Tensor x)
    {
        int n = x.Shape[0], d = x.Shape[1];
        var sum = new double[d]; var sq = new double[d];
        var data = x.Data;
        for (int r = 0; r < n; r++)
            for (int j = 0; j < d; j++) { double v = data[r * d + j]; sum[j] += v; sq[j] += v * v; }
        var mean = new float[d]; var std = new float[d];
        for (int j = 0; j < d; j++)
        {
            double m = sum[j] / n, var = Math.Max(sq[j] / n - m * m, 0);
            mean[j] = (float)m;
            std[j] = var > 1e-12 ? (float)Math.Sqrt(var) : 1f;
        }
        return new Standardizer(mean, std);
    }

    /// <summary>(x − μ) / σ for every row of X [rows, d]; a new tensor.</summary>
    public Tensor Transform(Tensor x)
    {
        int d = Mean.Length;
        if (x.Rank != 2 || x.Shape[1] != d)
            throw ShapeException.Invalid("Standardizer", x.Shape, $"data {x.Shape} must be [rows, {d}]", dimension: x.Rank == 2 ? 1 : null);
        var y = new float[x.Size];
        var src = x.Data;
        for (int i = 0; i < y.Length; i++) y[i] = (src[i] - Mean[i % d]) / Std[i % d];
        return Tensor.FromArray(y, x.Shape.Dims.ToArray());
    }
}
