namespace Theta.Tests.Ops;

public sealed class StabilityTests
{
    private static void AssertFinite(Tensor t, string what) =>
        Assert.True(t.ToArray().All(float.IsFinite), $"{what} is not finite: {t}");

    [Fact]
    public void SigmoidSaturatesCleanly()
    {
        var x = Tensor.FromArray([-100f, 100f]).RequireGrad();
        var y = x.Sigmoid();
        Assert.Equal(0f, y[0], 6);
        Assert.Equal(1f, y[1]);
        y.Sum().Backward();
        AssertFinite(x.Grad!, "dσ/dx");
    }

    [Fact]
    public void LogSoftmaxOfHugeLogitsIsFinite()
    {
        var x = Tensor.FromArray([1e4f, -1e4f, 0f, 9999f], 1, 4).RequireGrad();
        var y = x.LogSoftmax();
        AssertFinite(y, "log_softmax");
        // y = x − 1e4 − ln(1 + e⁻¹): the two large logits share the mass, the others get −2e4 and −1e4.
        Assert.Equal(-0.31326f, y[0, 0], 4);
        Assert.Equal(-1.31326f, y[0, 3], 4);
        Assert.Equal(-20000.3133f, y[0, 1], 1);
        y.Backward(Tensor.Ones(1, 4));
        AssertFinite(x.Grad!, "dlog_softmax");
        AssertFinite(Tensor.FromArray([1e4f, -1e4f], 2, 1).Softmax(0), "softmax");
    }

    [Fact]
    public void LikelihoodLossesAtProbabilityZeroAndOneAreFinite()
    {
        // Logits ±100 give σ = 0 or 1 exactly in float32; the fused losses stay finite.
        var z = Tensor.FromArray([100f, -100f, 100f, -100f]).RequireGrad();
        var y = Tensor.FromArray([1f, 0f, 0f, 1f]);
        var l = Loss.BinaryCrossEntropyWithLogits(z, y);
        Assert.Equal((0 + 0 + 100 + 100) / 4f, l.Item(), 3);
        l.Backward();
        AssertFinite(z.Grad!, "dBCE");
        Assert.Equal(new[] { 0f, 0f, 0.25f, -0.25f }, z.Grad!.ToArray());

        var logits = Tensor.FromArray([1e4f, -1e4f, 0f, -1e4f, 1e4f, 0f], 2, 3).RequireGrad();
        var ce = Loss.CrossEntropy(logits, [0, 0]);
        Assert.Equal(1e4f, ce.Item(), 0);
        ce.Backward();
        AssertFinite(logits.Grad!, "dCE");
    }
}
