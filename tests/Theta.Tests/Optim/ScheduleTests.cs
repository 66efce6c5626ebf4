using Theta.Optim;

namespace Theta.Tests.Optim;

public sealed class ScheduleTests
{
    [Theory]
    // η(t) = 0.1·0.5^⌊t/10⌋
    [InlineData(0, 0.1)]
    [InlineData(9, 0.1)]
    [InlineData(10, 0.05)]
    [InlineData(25, 0.025)]
    public void StepLRHalvesEveryTenSteps(int t, double expected)
        => Assert.Equal(expected, new StepLR(0.1f, 10, 0.5f).At(t), 6);

    [Theory]
    // η(t) = 0.01 + (0.1 − 0.01)·(1 + cos(πt/100))/2
    [InlineData(0, 0.1)]
    [InlineData(50, 0.055)]
    [InlineData(25, 0.01 + 0.09 * (1 + 0.70710678) / 2)]
    [InlineData(100, 0.01)]
    [InlineData(150, 0.01)]
    public void CosineAnnealingFollowsTheHalfCosine(int t, double expected)
        => Assert.Equal(expected, new CosineAnnealing(0.1f, 100, 0.01f).At(t), 6);

    [Theory]
    // 5 warm-up steps from 0.2·η_after(0), then a cosine over 10 steps from 0.1 to 0:
    // t < 5: η = 0.1·(0.2 + 0.8·t/5); t ≥ 5: η = 0.05·(1 + cos(π(t−5)/10))
    [InlineData(0, 0.02)]
    [InlineData(1, 0.036)]
    [InlineData(4, 0.084)]
    [InlineData(5, 0.1)]
    [InlineData(10, 0.05)]
    [InlineData(15, 0.0)]
    public void LinearWarmupRampsThenHandsOver(int t, double expected)
        => Assert.Equal(expected, new LinearWarmup(new CosineAnnealing(0.1f, 10), 5, startFactor: 0.2f).At(t), 6);

    [Fact]
    public void ApplySetsTheOptimizersRate()
    {
        var opt = new Sgd([Tensor.Zeros(1).RequireGrad()]);
        new StepLR(1f, 2, 0.1f).Apply(opt, 4);
        Assert.Equal(0.01f, opt.LearningRate, 6);
    }
}
