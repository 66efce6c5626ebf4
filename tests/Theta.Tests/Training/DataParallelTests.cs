using Theta.Optim;
using Theta.Training;

namespace Theta.Tests.Training;

/// <summary>
/// The data-parallel hook without MPI: shards of a batch, and a run over a group of one rank, which must take the
/// same path as N ranks (shard, weighted gradients in a flat buffer, the loss and hits riding along) and end
/// bit for bit where the plain loop does. The N-rank runs are in tests/Theta.Distributed.Tests (under mpirun).
/// </summary>
public sealed class DataParallelTests
{
    // One rank: every collective is the identity, but counted, so the tests see that the hook ran.
    private sealed class LoneRank : ICollectives
    {
        public int Calls;
        public int Rank => 0;
        public int Size => 1;
        public void Broadcast(Span<byte> data, int root = 0) => Calls++;
        public void AllReduceSum(Span<float> data) => Calls++;
        public void AllReduceSum(Span<double> data) => Calls++;
    }

    [Theory]
    [InlineData(64, 1)]
    [InlineData(64, 3)]
    [InlineData(54, 4)]
    [InlineData(5, 5)]
    [InlineData(2, 3)]
    [InlineData(1, 2)]
    public void ShardsCoverTheBatchInOrderAndDifferByAtMostOneRow(int rows, int ranks)
    {
        var shards = Enumerable.Range(0, ranks).Select(r => DataParallel.Shard(rows, r, ranks)).ToArray();
        int next = 0;
        foreach (var (start, count) in shards) { Assert.Equal(next, start); next += count; }
        Assert.Equal(rows, next);
        Assert.True(shards.Max(s => s.Count) - shards.Min(s => s.Count) <= 1);
    }

    [Fact]
    public void OneRankTrainsBitForBitAsTheLoopAlone()
    {
        var (x, y) = TrainerTests.Blobs(150, 3); // batches of 32: the last has 22 rows
        var options = new TrainerOptions(Epochs: 3, BatchSize: 32, Seed: 4);
        var plain = TrainerTests.Mlp(7, dropout: 0.2f);
        var history = new Trainer(plain, new Adam(plain.Parameters(), new AdamOptions(0.01f)), options).Fit(x, y, x, y);
        var lone = new LoneRank();
        var shared = TrainerTests.Mlp(7, dropout: 0.2f);
        var sharedHistory = new Trainer(shared, new Adam(shared.Parameters(), new AdamOptions(0.01f)), options) { Parallel = new DataParallel(lone, checkReplicas: true) }.Fit(x, y, x, y);
        Assert.True(lone.Calls > 3 * 5 * 2, $"{lone.Calls} collective calls");
        foreach (var (p, q) in plain.Parameters().Zip(shared.Parameters())) Assert.Equal(p.ToArray(), q.ToArray());
        Assert.Equal(history.Epochs.Select(e => e.TrainAccuracy), sharedHistory.Epochs.Select(e => e.TrainAccuracy));
        Assert.Equal(history.Epochs.Select(e => e.ValLoss!.Value), sharedHistory.Epochs.Select(e => e.ValLoss!.Value), (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void ABatchSmallerThanTheRanksIsRefused()
    {
        var e = Assert.Throws<DataParallelException>(() => new DataParallel(new LoneRank()).CheckBatch(0, 10));
        Assert.Contains("smaller than the 1 ranks", e.Message);
    }
}
