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
        Workers.Run(2, _ => { });
        Thread.Sleep(Workers.SpinMicroseconds / 1000 + 20);   // past the spin: the worker blocks
        // The caller is busy with part 0 for 200 ms, so part 1 runs on the worker only if the worker was woken
        // (a lost wake-up would leave part 1 to the caller once it is done: the same results, on one thread).
        var thread = new int[2];
        int caller = Environment.CurrentManagedThreadId;
        Workers.Run(2, i =>
        {
            thread[i] = Environment.CurrentManagedThreadId;
            if (thread[i] == caller) Thread.Sleep(200);
        });
        Assert.NotEqual(thread[0], thread[1]);
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
