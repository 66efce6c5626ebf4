namespace Theta.Tests;

public sealed class ReadmeExampleTests
{
    [Fact]
    public void LogisticRegressionByGradientAscentLearnsASeparableRule()
    {
        // The README's example, run for real: y = 1 when x₀ + 2x₁ − x₂ > 0.
        var rng = new Rng(seed: 42);
        var X = Tensor.Uniform(rng, -1f, 1f, 64, 3);
        var labels = new float[64];
        for (int i = 0; i < 64; i++) labels[i] = X[i, 0] + 2 * X[i, 1] - X[i, 2] > 0 ? 1f : 0f;
        var y = Tensor.FromArray(labels, 64, 1);
        var theta = Tensor.Zeros(3, 1).RequireGrad();
        var b = Tensor.Zeros(1).RequireGrad();

        float first = 0, last = 0;
        for (int step = 0; step < 200; step++)
        {
            var loss = Loss.BinaryCrossEntropyWithLogits(X.MatMul(theta) + b, y);
            if (step == 0) first = loss.Item();
            last = loss.Item();
            theta.ZeroGrad(); b.ZeroGrad();
            loss.Backward();
            foreach (var p in new[] { theta, b })
            {
                var d = p.Data; var g = p.Grad!.Data;
                for (int i = 0; i < d.Length; i++) d[i] -= 2f * g[i];
            }
        }
        Assert.Equal(MathF.Log(2), first, 5); // θ = 0 predicts ½ for everyone
        Assert.True(last < 0.2f, $"loss {last}");
        var predicted = (X.MatMul(theta) + b).Sigmoid();
        int correct = Enumerable.Range(0, 64).Count(i => (predicted[i, 0] > 0.5f) == (labels[i] == 1f));
        Assert.True(correct >= 62, $"{correct}/64");
        Assert.True(theta[1, 0] > theta[0, 0] && theta[0, 0] > 0 && theta[2, 0] < 0, theta.ToString());
    }
}
