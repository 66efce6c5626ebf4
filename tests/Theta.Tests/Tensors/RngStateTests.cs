namespace Theta.Tests.Tensors;

public sealed class RngStateTests
{
    [Fact]
    public void SetStateReplaysTheSameNumbers()
    {
        var a = new Rng(9);
        a.NextNormal(); // leaves a spare Box–Muller value pending: it must be part of the state
        var state = a.GetState();
        var first = new[] { a.NextNormal(), a.NextDouble(), a.NextInt(17) };
        var b = new Rng(1234);
        b.SetState(state);
        Assert.Equal(first, new[] { b.NextNormal(), b.NextDouble(), b.NextInt(17) });
        var c = a.Clone();
        Assert.Equal(a.Permutation(50), c.Permutation(50));
    }

    [Fact]
    public void TheAllZeroStateIsRejected()
        => Assert.Throws<ArgumentException>(() => new Rng(1).SetState(new RngState(0, 0, 0, 0, null)));
}
