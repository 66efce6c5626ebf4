using Theta.Data;

namespace Theta.Cli.Bench;

/// <summary>
/// The classic-model benchmark data, the same recipe as ../shared/peers/py/bench_sklearn.py:
/// 100,000 training and 20,000 test rows of 200 binary features, feature j on with probability
/// pⱼ ~ U(0.1, 0.9); labels from a noisy logistic model in which 30 % of the features matter:
///   w = N(0, 1)·[U &lt; 0.3],  logit = 2.5·(x − p)·w / √(Σ w²p(1 − p)),  y = [logit + Logistic(0, 1) &gt; 0].
/// (Same distribution, not the same numbers: NumPy's generator is not reproduced.)
/// </summary>
internal static class ClassicWorkload
{
    public static (Dataset Train, Dataset Test) Make(int trainRows = 100_000, int testRows = 20_000, int d = 200, ulong seed = 0)
    {
        var rng = new Rng(seed);
        var p = new double[d];
        for (int j = 0; j < d; j++) p[j] = 0.1 + 0.8 * rng.NextDouble();
        var w = new double[d];
        for (int j = 0; j < d; j++) w[j] = rng.NextNormal() * (rng.NextDouble() < 0.3 ? 1 : 0);
        double norm = Math.Sqrt(Enumerable.Range(0, d).Sum(j => w[j] * w[j] * p[j] * (1 - p[j])));
        Dataset Rows(int n)
        {
            var x = new float[n * d];
            var y = new int[n];
            for (int i = 0; i < n; i++)
            {
                double logit = 0;
                for (int j = 0; j < d; j++)
                {
                    bool on = rng.NextDouble() < p[j];
                    x[i * d + j] = on ? 1 : 0;
                    logit += ((on ? 1 : 0) - p[j]) * w[j];
                }
                double u = Math.Clamp(rng.NextDouble(), 1e-12, 1 - 1e-12);
                y[i] = logit / norm * 2.5 + Math.Log(u / (1 - u)) > 0 ? 1 : 0;
            }
            return new Dataset(Tensor.FromArray(x, n, d), y, ["0", "1"], Enumerable.Range(0, d).Select(j => $"x{j}").ToArray());
        }
        return (Rows(trainRows), Rows(testRows));
    }
}
