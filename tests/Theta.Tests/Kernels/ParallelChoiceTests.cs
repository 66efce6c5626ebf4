using Theta.Kernels;

namespace Theta.Tests.Kernels;

/// <summary>One thread or t by measurement: both timed twice first, then the faster, the other every 32nd call.</summary>
public sealed class ParallelChoiceTests
{
    /// <summary>Drives a choice as a kernel would, with a made-up cost per thread count; returns the counts it ran.</summary>
    private static List<int> Drive(ParallelChoice c, int calls, Func<int, int, long> ticks)
    {
        var ran = new List<int>();
        for (int i = 0; i < calls; i++)
        {
            int t = c.Threads(2);
            ran.Add(t);
            c.Record(t, ticks(t, i));
        }
        return ran;
    }

    [Fact]
    public void MeasuresBothThenKeepsTheFasterAndExploresTheOther()
    {
        var ran = Drive(new ParallelChoice(), 4 + 64, (t, _) => t == 2 ? 80 : 100);
        Assert.Equal([1, 1, 2, 2], ran.Take(4));
        var after = ran.Skip(4).ToList();
        Assert.Equal(2, after.Count(t => t == 1));   // calls 32 and 64 explore one thread
        Assert.Equal(62, after.Count(t => t == 2));
    }

    [Fact]
    public void OneThreadWinsWhenTwoAreSlower()
    {
        var ran = Drive(new ParallelChoice(), 4 + 64, (t, _) => t == 2 ? 120 : 100);
        Assert.Equal(62, ran.Skip(4).Count(t => t == 1));
    }

    [Fact]
    public void AFarSlowerChoiceIsTriedRarely()
    {
        // Two threads 3× slower (a descheduled worker): tried once in 256 calls, not once in 32.
        var ran = Drive(new ParallelChoice(), 4 + 512, (t, _) => t == 2 ? 300 : 100);
        Assert.Equal(2, ran.Skip(4).Count(t => t == 2));
    }

    [Fact]
    public void TheFirstColdCallIsNotHeldAgainstAChoice()
    {
        // The first two-thread call pays for starting workers (10×); the choice still settles on two threads.
        var ran = Drive(new ParallelChoice(), 4 + 10, (t, i) => t == 2 ? (i == 2 ? 1000 : 60) : 100);
        Assert.All(ran.Skip(4), t => Assert.Equal(2, t));
    }

    [Fact]
    public void FollowsAChangeInTheMachine()
    {
        // Two threads are faster for 200 calls, then a neighbour takes the second vCPU and they become 3× slower.
        var ran = Drive(new ParallelChoice(), 400, (t, i) => t == 1 ? 100 : i < 200 ? 60 : 300);
        Assert.Equal(2, ran[199]);
        Assert.Equal(1, ran[202]);
        Assert.True(ran.Skip(210).Count(t => t == 2) <= 2);
    }

    [Fact]
    public void DisabledForksAsAsked()
    {
        Assert.False(ParallelChoice.Enabled);   // FixedThreadCounts turned it off for this assembly
        for (int i = 0; i < 3; i++)
        {
            var ticket = ParallelChoice.Start(12345, 1, 2, 3, 2);
            Assert.Equal(2, ticket.Threads);   // enabled, the first two calls would run on one thread
            ticket.Done();
        }
    }
}
