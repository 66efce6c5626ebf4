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

/// <summary>
/// The wake-up test, in the collection that runs alone: another test's GEMM holding the workers would
/// make this fork run on the caller in order, which is what a lost wake-up looks like.
/// </summary>
[Collection(Theta.Tests.Search.WallClockCollection.Name)]
public sealed class WorkersWakeUpTests
{
    [Fact]
    public void AWorkerThatSleptWakesUp()
    {
        Workers.Run(2, _ => { });
        Thread.Sleep(Workers.SpinMicroseconds / 1000 + 20);   // past the spin: the worker blocks
        // Whichever thread claims a part is busy with it for 200 ms, so the other part runs on the other
        // thread, if the worker was woken (a lost wake-up would leave part 1 to the caller once it is done:
        // the same results, on one thread). The sleep is on every part: a woken worker may claim part 0
        // before the caller does, and must not be quick enough to claim part 1 too.
        var thread = new int[2];
        Workers.Run(2, i =>
        {
            thread[i] = Environment.CurrentManagedThreadId;
            Thread.Sleep(200);
        });
        Assert.NotEqual(thread[0], thread[1]);
    }
}
