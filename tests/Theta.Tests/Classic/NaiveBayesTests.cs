using Theta.Classic;
using Theta.Data;
using Theta.Metrics;
using Theta.Training;

namespace Theta.Tests.Classic;

public sealed class NaiveBayesTests
{
    [Theory]
    // Reference accuracies of the CS109 problem set (Laplace-smoothed Bernoulli naive Bayes, Demographic dropped).
    [InlineData("netflix", 0.672)]
    [InlineData("heart", 140.0 / 187)]
    [InlineData("ancestry", 0.7772)]
    [InlineData("simple", 1.0)]
    public void LaplaceNaiveBayesReproducesTheProblemSet(string name, double expected)
    {
        var (train, test) = TestData.LoadCs109(name);
        var nb = BernoulliNaiveBayes.Fit(train);
        var m = ClassificationMetrics.Compute(nb.PredictProba(test.Features), test.Labels, test.Classes);
        Assert.Equal(expected, m.Accuracy, 4);
    }

    [Fact]
    public void TablesAreTheCountsByHand()
    {
        // x₁ x₂ y:  (1,0,1) (1,1,1) (0,1,0) (0,0,0) (1,1,0)
        var ds = CsvReader.Parse("x1,x2,y\n1,0,1\n1,1,1\n0,1,0\n0,0,0\n1,1,0\n", "t.csv", new CsvOptions());
        var laplace = BernoulliNaiveBayes.Fit(ds);
        Assert.Equal(new[] { 3 / 5.0, 2 / 5.0 }, laplace.Priors);
        Assert.Equal((1 + 1) / (3 + 2.0), laplace.ProbOne[0, 0], 12); // P(x₁=1|y=0): one of three, add-one
        Assert.Equal((2 + 1) / (2 + 2.0), laplace.ProbOne[1, 0], 12);
        Assert.Equal((2 + 1) / (3 + 2.0), laplace.ProbOne[0, 1], 12);
        var mle = BernoulliNaiveBayes.Fit(ds, alpha: 0);
        Assert.Equal(1 / 3.0, mle.ProbOne[0, 0], 12);
        Assert.Equal(1.0, mle.ProbOne[1, 0], 12);
        // MLE: x₁ = 0 never occurs with y = 1, so P(y=1 | x₁=0, ·) = 0 exactly.
        var p = mle.PredictProba(Tensor.FromArray([0f, 1f], 1, 2));
        Assert.Equal(0f, p[0, 1]);
        Assert.Equal(1f, p[0, 0]);
    }

    [Fact]
    public void BernoulliRejectsNonBinaryValuesWithTheFilePosition()
    {
        var ds = CsvReader.Parse("a,b,y\n0,1,0\n1,0.5,1\n", "f.csv", new CsvOptions());
        var e = Assert.Throws<DataException>(() => BernoulliNaiveBayes.Fit(ds));
        Assert.StartsWith("f.csv:3:2:", e.Message);
        Assert.Contains("0 or 1", e.Message);
    }

    [Fact]
    public void GaussianNaiveBayesSeparatesTwoNormals()
    {
        var rng = new Rng(4);
        int n = 4000;
        var x = new float[n * 2]; var y = new int[n];
        for (int r = 0; r < n; r++)
        {
            y[r] = r % 2;
            x[2 * r] = (float)(rng.NextNormal() + (y[r] == 1 ? 2.5 : 0));
            x[2 * r + 1] = (float)(rng.NextNormal() * 3);
        }
        var ds = new Dataset(Tensor.FromArray(x, n, 2), y, ["a", "b"], ["x1", "x2"]);
        var nb = GaussianNaiveBayes.Fit(ds);
        Assert.InRange(nb.Mean[1, 0] - nb.Mean[0, 0], 2.4, 2.6);   // standard error ≈ 0.03
        Assert.InRange(nb.Variance[0, 1], 8.4, 9.6);               // standard error 9·√(2/2000) ≈ 0.28
        var m = ClassificationMetrics.Compute(nb.PredictProba(ds.Features), y, ds.Classes);
        Assert.InRange(m.Accuracy, 0.85, 0.95); // Bayes rate for Δμ = 2.5σ is Φ(1.25) ≈ 0.894
    }
}
