using Theta.Kernels;

namespace Theta.Tests.Kernels;

/// <summary>The spinning fork/join: every part runs once, failures come back, nesting and rival callers run in order.</summary>
public sealed class WorkersTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void EveryPartRunsOnce(int parts)
    {
        for (int round = 0; round < 200; round++)   // many forks in a row: no lost wake-up
        {
            var hits = new int[parts];
            Workers.Run(parts, i => Interlocked.Increment(ref hits[i]));
            Assert.All(hits, h => Assert.Equal(1, h));
        }
    }

    [Fact]
    public void AWorkerThatSleptWakesUp()
    {
        var hits = new int[2];
        Workers.Run(2, i => hits[i]++);
        Thread.Sleep(Workers.SpinMicroseconds / 1000 + 20);   // past the spin: the worker blocks
        Workers.Run(2, i => hits[i]++);
        Assert.Equal([2, 2], hits);
    }

    [Theory]
    [InlineData(0)]   // the caller's own part
    [InlineData(1)]   // a worker's part
    public void AFailureReachesTheCallerAndThePoolCarriesOn(int failing)
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            Workers.Run(2, i => { if (i == failing) throw new InvalidOperationException($"part {i}"); }));
        Assert.Equal($"part {failing}", e.Message);
        var hits = new int[2];
        Workers.Run(2, i => hits[i]++);
        Assert.Equal([1, 1], hits);
    }

    [Fact]
    public async Task NestedAndConcurrentCallsAllFinish()
    {
        long total = 0;
        var callers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (int r = 0; r < 50; r++)
                Workers.Run(2, i => Workers.Run(3, j => Interlocked.Increment(ref total)));
        })).ToArray();
        await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(4 * 50 * 2 * 3, Interlocked.Read(ref total));
    }
}
