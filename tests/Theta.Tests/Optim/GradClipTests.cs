using Theta.Optim;

namespace Theta.Tests.Optim;

public sealed class GradClipTests
{
    [Fact]
    public void ClipsTheGlobalNormKeepingTheDirection()
    {
        var p = Tensor.Zeros(2).RequireGrad();
        var q = Tensor.Zeros(1).RequireGrad();
        var r = Tensor.Zeros(3).RequireGrad(); // no gradient: skipped
        p.Grad = Tensor.FromArray([3f, 0f]);
        q.Grad = Tensor.FromArray([-4f]);      // global norm √(9 + 16) = 5

        float total = GradClip.ByNorm([p, q, r], 1f);

        Assert.Equal(5f, total, 5);
        float after = MathF.Sqrt(p.Grad.ToArray().Concat(q.Grad.ToArray()).Sum(v => v * v));
        Assert.True(after <= 1f && after > 0.9999f, $"norm after {after}");
        Assert.Equal(0.6f, p.Grad[0], 5);   // 3/5
        Assert.Equal(0f, p.Grad[1]);
        Assert.Equal(-0.8f, q.Grad[0], 5);  // −4/5
        Assert.Null(r.Grad);
    }

    [Fact]
    public void LeavesSmallGradientsAlone()
    {
        var p = Tensor.Zeros(2).RequireGrad();
        p.Grad = Tensor.FromArray([0.3f, 0.4f]);
        Assert.Equal(0.5f, GradClip.ByNorm([p], 1f), 6);
        Assert.Equal([0.3f, 0.4f], p.Grad.ToArray());
    }
}
