namespace Theta.Tests.Autograd;

public sealed class BackwardTests
{
    [Fact]
    public void ChainRuleThroughASmallExpression()
    {
        // L = (a·b + a)²: dL/da = 2(ab + a)(b + 1), dL/db = 2(ab + a)·a
        var a = Tensor.Scalar(3f).RequireGrad();
        var b = Tensor.Scalar(-2f).RequireGrad();
        var y = a * b + a;
        var l = y * y;
        l.Backward();
        Assert.Equal(2 * (-6 + 3) * (-2 + 1), a.Grad!.Item());
        Assert.Equal(2 * (-6 + 3) * 3, b.Grad!.Item());
    }

    [Fact]
    public void ATensorUsedTwiceReceivesTheSum()
    {
        var x = Tensor.FromArray([1f, 2f]).RequireGrad();
        (x.Exp() + x * 3f).Sum().Backward();
        Assert.Equal(MathF.E + 3f, x.Grad![0], 5);
        Assert.Equal(MathF.Exp(2) + 3f, x.Grad![1], 4);
    }

    [Fact]
    public void LeafGradientsAccumulateUntilZeroGrad()
    {
        var w = Tensor.FromArray([2f]).RequireGrad();
        (w * 5f).Sum().Backward();
        (w * 5f).Sum().Backward();
        Assert.Equal(10f, w.Grad![0]);
        w.ZeroGrad();
        Assert.Null(w.Grad);
        (w * 5f).Sum().Backward();
        Assert.Equal(5f, w.Grad![0]);
    }

    [Fact]
    public void IntermediateGradientsAreFreshOnEachPass()
    {
        var w = Tensor.FromArray([2f]).RequireGrad();
        var h = (w * 3f).RetainGrad();
        var l = (h * h).Sum();
        l.Backward();
        l.Backward();
        Assert.Equal(2 * 6f, h.Grad![0]);   // not doubled: intermediates restart at zero
        Assert.Equal(2 * 36f * 2, w.Grad![0] * 2); // leaves accumulate: 2 × 36
    }

    [Fact]
    public void NoGradRecordsNothing()
    {
        var w = Tensor.Ones(3).RequireGrad();
        Tensor y;
        using (Theta.Autograd.NoGrad()) y = (w * 2f).Sum();
        Assert.False(y.RequiresGrad);
        Assert.True(y.IsLeaf);
        Assert.True(Theta.Autograd.IsRecording);
        Assert.Throws<InvalidOperationException>(() => y.Backward());
    }

    [Fact]
    public void BackwardOnANonScalarNeedsAnUpstreamGradient()
    {
        var w = Tensor.Ones(2, 3).RequireGrad();
        var y = w * 2f;
        var e = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("upstream gradient", e.Message);
        y.Backward(Tensor.Full(0.5f, 2, 3));
        Assert.All(w.Grad!.ToArray(), v => Assert.Equal(1f, v));
        Assert.Throws<ShapeException>(() => (w * 2f).Backward(Tensor.Ones(3, 2)));
    }

    [Fact]
    public void DeepGraphsDoNotOverflowTheStack()
    {
        var x = Tensor.FromArray([1f]).RequireGrad();
        var y = x;
        for (int i = 0; i < 20000; i++) y = y + 0f;
        y.Sum().Backward();
        Assert.Equal(1f, x.Grad![0]);
    }

    [Fact]
    public void LogisticRegressionGradientIsTheClosedForm()
    {
        // For the mean Bernoulli log-likelihood, dL/dθ = Xᵀ(σ(Xθ) − y)/n: the course's formula.
        var rng = new Rng(8);
        var X = Tensor.Uniform(rng, -1f, 1f, 6, 3);
        var y = Tensor.FromArray([1f, 0, 1, 1, 0, 0], 6, 1);
        var theta = Tensor.Uniform(rng, -1f, 1f, 3, 1).RequireGrad();
        Loss.BinaryCrossEntropyWithLogits(X.MatMul(theta), y).Backward();
        var p = X.MatMul(theta.Detach()).Sigmoid();
        var expected = X.Transpose().MatMul(p - y) / 6f;
        for (int j = 0; j < 3; j++) Assert.Equal(expected[j, 0], theta.Grad![j, 0], 5);
    }
}
