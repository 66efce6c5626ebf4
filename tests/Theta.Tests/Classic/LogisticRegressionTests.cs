using Theta.Classic;
using Theta.Data;
using Theta.Metrics;
using Theta.Training;

namespace Theta.Tests.Classic;

public sealed class LogisticRegressionTests
{
    [Theory]
    // The problem set's figures: θ₀ and θ = 0 at the start, 5000 full-batch steps on the mean
    // log-likelihood, η = 0.5, threshold 0.5 (netflix 0.678, heart 0.679, ancestry 0.815).
    [InlineData("netflix", 0.678)]
    [InlineData("heart", 0.679)]
    [InlineData("ancestry", 0.815)]
    [InlineData("simple", 1.0)]
    public void GradientAscentReproducesTheProblemSet(string name, double expected)
    {
        var (train, test) = TestData.LoadCs109(name);
        var lr = LogisticRegression.Fit(train);
        var m = ClassificationMetrics.Compute(lr.PredictProba(test.Features), test.Labels, test.Classes);
        Assert.Equal(expected, m.Accuracy, 3);
    }

    [Fact]
    public void ClosedFormGradientEqualsAutodiff()
    {
        var rng = new Rng(12);
        int n = 9, d = 4;
        var x = Tensor.Uniform(rng, -1f, 1f, n, d);
        var y = Enumerable.Range(0, n).Select(i => i % 3 == 0 ? 1 : 0).ToArray();
        var theta = Tensor.Uniform(rng, -1f, 1f, 1, d).RequireGrad();
        var theta0 = Tensor.FromArray([0.3f]).RequireGrad();

        var g = new float[d];
        double ll = LogisticRegression.Gradient(x.Data, y, d, theta.Data, theta0[0], g, out float g0);

        // Autodiff: the loss is −(mean LL), so its gradient is −(the ascent direction).
        var loss = Loss.BinaryCrossEntropyWithLogits(x.Linear(theta, theta0), Tensor.FromArray(y.Select(v => (float)v).ToArray(), n, 1));
        loss.Backward();
        Assert.Equal(-ll, loss.Item(), 5);
        for (int j = 0; j < d; j++) Assert.Equal(g[j], -theta.Grad![0, j], 5);
        Assert.Equal(g0, -theta0.Grad![0], 5);
    }

    [Fact]
    public void MiniBatchesAndL2AlsoLearn()
    {
        var (train, test) = TestData.LoadCs109("ancestry");
        var lr = LogisticRegression.Fit(train, new LogisticRegressionOptions(StepSize: 0.1f, Steps: 60, BatchSize: 16, L2: 1e-3f, Seed: 3));
        var m = ClassificationMetrics.Compute(lr.PredictProba(test.Features), test.Labels, test.Classes);
        Assert.InRange(m.Accuracy, 0.77, 0.85);
        var again = LogisticRegression.Fit(train, new LogisticRegressionOptions(StepSize: 0.1f, Steps: 60, BatchSize: 16, L2: 1e-3f, Seed: 3));
        Assert.Equal(lr.Weights, again.Weights); // same seed, same shuffles, same model
    }

    [Fact]
    public void SoftmaxRegressionSeparatesThreeClasses()
    {
        // Three clusters around (−2, 0), (2, 0), (0, 2.5); class names, not numbers.
        var rng = new Rng(6);
        var lines = new List<string> { "a,b,kind" };
        string[] names = ["left", "right", "top"];
        (double, double)[] centre = [(-2, 0), (2, 0), (0, 2.5)];
        for (int i = 0; i < 300; i++)
        {
            int k = i % 3;
            lines.Add(FormattableString.Invariant($"{centre[k].Item1 + rng.NextNormal() * 0.7:F3},{centre[k].Item2 + rng.NextNormal() * 0.7:F3},{names[k]}"));
        }
        var ds = CsvReader.Parse(string.Join("\r\n", lines), "three.csv", new CsvOptions());
        Assert.Equal(names, ds.Classes);
        var lr = LogisticRegression.Fit(ds, new LogisticRegressionOptions(StepSize: 0.5f, Steps: 300));
        Assert.Equal("softmax", lr.Kind);
        var m = ClassificationMetrics.Compute(lr.PredictProba(ds.Features), ds.Labels, ds.Classes);
        Assert.True(m.Accuracy > 0.95, $"accuracy {m.Accuracy}");
        Assert.Null(m.RocAuc);
    }
}

public sealed class NewtonTests
{
    [Fact]
    public void NewtonReachesTheOptimumThatGradientAscentApproaches()
    {
        var (train, test) = TestData.LoadCs109("ancestry");
        var llNewton = new List<double>();
        var newton = LogisticRegression.Fit(train, new LogisticRegressionOptions(Steps: 50, L2: 1e-2f, Solver: LogisticSolver.Newton), (_, ll) => llNewton.Add(ll));
        Assert.InRange(llNewton.Count, 3, 12); // converged well before 50 steps
        for (int i = 1; i < llNewton.Count; i++) Assert.True(llNewton[i] >= llNewton[i - 1] - 1e-6, "Newton's log-likelihood must not fall");
        var slow = LogisticRegression.Fit(train, new LogisticRegressionOptions(StepSize: 0.5f, Steps: 20000, L2: 1e-2f));
        for (int j = 0; j < newton.Weights.Length; j++) Assert.Equal(slow.Weights[j], newton.Weights[j], 2);
        Assert.Equal(slow.Bias[0], newton.Bias[0], 2);
        var m = ClassificationMetrics.Compute(newton.PredictProba(test.Features), test.Labels, test.Classes);
        Assert.InRange(m.Accuracy, 0.79, 0.84);
    }
}
