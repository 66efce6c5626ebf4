using Theta.Io;
using Theta.Nn;
using Theta.Optim;
using Theta.Training;

namespace Theta.Tests.Training;

public sealed class TrainerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("theta-trainer-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Three Gaussian blobs in 2-D (σ = 0.5 around centres 3 apart), <paramref name="n"/> rows, seeded.</summary>
    internal static (Tensor X, int[] Y) Blobs(int n, ulong seed)
    {
        var rng = new Rng(seed);
        float[][] centres = [[0f, 0f], [3f, 0f], [0f, 3f]];
        var x = new float[2 * n];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = i % 3;
            x[2 * i] = centres[y[i]][0] + 0.5f * (float)rng.NextNormal();
            x[2 * i + 1] = centres[y[i]][1] + 0.5f * (float)rng.NextNormal();
        }
        return (Tensor.FromArray(x, n, 2), y);
    }

    internal static Sequential Mlp(ulong seed, float dropout = 0f)
    {
        var rng = new Rng(seed);
        return dropout > 0
            ? new Sequential(new Linear(2, 16, rng), new ReLU(), new Dropout(dropout, new Rng(seed + 100)), new Linear(16, 3, rng))
            : new Sequential(new Linear(2, 16, rng), new ReLU(), new Linear(16, 3, rng));
    }

    private static float[][] Weights(Module m) => [.. m.Parameters().Select(p => p.ToArray())];

    [Fact]
    public void LearnsThreeBlobsWithOneRecordPerEpoch()
    {
        var (x, y) = Blobs(300, 1);
        var (xv, yv) = Blobs(150, 2);
        var net = Mlp(3);
        var progress = new List<TrainerProgress>();
        var h = new Trainer(net, new Adam(net.Parameters(), new AdamOptions(0.02f)), new TrainerOptions(Epochs: 8, BatchSize: 32, ProgressEvery: 5))
            .Fit(x, y, xv, yv, progress.Add);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], h.Epochs.Select(e => e.Epoch));
        Assert.True(h.Last!.ValAccuracy >= 0.95, $"validation accuracy {h.Last.ValAccuracy}");
        Assert.True(h.Last.TrainLoss < h.Epochs[0].TrainLoss);
        Assert.Equal(Trainer.Evaluate(net, xv, yv), (h.Last.ValLoss!.Value, h.Last.ValAccuracy!.Value));
        Assert.False(h.StoppedEarly);
        Assert.Equal(8 * 2, progress.Count); // 10 batches an epoch: reports after batches 5 and 10 (the last)
        Assert.All(progress, p => Assert.True(p.ExamplesPerSecond > 0 && p.Batches == 10));
        Assert.False(net.Training); // Fit leaves the model in evaluation mode
    }

    [Fact]
    public void TrainsACnnOnImageShapedInputs()
    {
        // 1×6×6 images: class 0 is bright in the left half, class 1 in the right half, plus noise.
        var rng = new Rng(3);
        int n = 64;
        var x = new float[n * 36];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = i % 2;
            for (int p = 0; p < 36; p++) x[i * 36 + p] = (p % 6 < 3) == (y[i] == 0) ? 1f : 0f + 0.3f * (float)rng.NextNormal();
        }
        var images = Tensor.FromArray(x, n, 1, 6, 6);
        var net = new Sequential(new Conv2d(1, 2, 3, new Rng(1), padding: 1), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(18, 2, new Rng(2)));
        var h = new Trainer(net, new Adam(net.Parameters(), new AdamOptions(0.05f)), new TrainerOptions(Epochs: 5, BatchSize: 16)).Fit(images, y, images, y);
        Assert.Equal(1.0, h.Last!.ValAccuracy);
    }

    [Fact]
    public void TheSameSeedGivesTheSameHistoryAndWeights()
    {
        var (x, y) = Blobs(90, 4);
        TrainingHistory Run(out Sequential net, ulong seed)
        {
            net = Mlp(5, dropout: 0.2f);
            return new Trainer(net, new Momentum(net.Parameters(), new MomentumOptions(0.05f)), new TrainerOptions(Epochs: 3, BatchSize: 16, Seed: seed)).Fit(x, y);
        }
        var a = Run(out var na, 7);
        var b = Run(out var nb, 7);
        var c = Run(out _, 8);
        Assert.Equal(a.Epochs.Select(e => e.TrainLoss), b.Epochs.Select(e => e.TrainLoss));
        Assert.Equal(Weights(na), Weights(nb));
        Assert.NotEqual(a.Epochs.Select(e => e.TrainLoss), c.Epochs.Select(e => e.TrainLoss));
    }

    [Fact]
    public void EarlyStoppingStopsWhenTheValidationLossStopsImproving()
    {
        // The validation labels are the training labels shifted by one class: the better the model
        // learns the training set, the worse its validation loss, so the best epoch is the first.
        var (x, y) = Blobs(150, 6);
        var shifted = y.Select(l => (l + 1) % 3).ToArray();
        var net = Mlp(7);
        var h = new Trainer(net, new Adam(net.Parameters(), new AdamOptions(0.02f)), new TrainerOptions(Epochs: 30, BatchSize: 15, Patience: 2))
            .Fit(x, y, x, shifted);
        Assert.True(h.StoppedEarly);
        Assert.Equal(1, h.BestEpoch);
        Assert.Equal(3, h.Epochs.Count);
        Assert.Equal("the validation loss has not improved for 2 epochs (best " + h.Epochs[0].ValLoss!.Value.ToString("G6") + " at epoch 1)", h.StopReason);
    }

    [Fact]
    public void BadInputFailsWithOneClearLine()
    {
        var (x, y) = Blobs(30, 1);
        var net = Mlp(1);
        var sgd = new Sgd(net.Parameters(), new SgdOptions(0.1f));
        var e = Assert.Throws<ArgumentException>(() => new Trainer(net, sgd, new TrainerOptions(BatchSize: 64)).Fit(x, y));
        Assert.Equal("Trainer: the batch size 64 is larger than the 30 training examples; use a batch size of at most 30", e.Message);
        Assert.Contains("30 rows but 29 labels", Assert.Throws<ArgumentException>(() => new Trainer(net, sgd, new TrainerOptions(BatchSize: 8)).Fit(x, y[..29])).Message);
        Assert.StartsWith("SgdOptions: LearningRate must be positive and finite, got 0", Assert.Throws<ArgumentException>(() => new SgdOptions(0f)).Message);
        Assert.StartsWith("AdamOptions: LearningRate must be positive and finite, got -0.1", Assert.Throws<ArgumentException>(() => new AdamOptions(-0.1f)).Message);
        Assert.StartsWith("TrainerOptions: BatchSize must be at least 1, got 0", Assert.Throws<ArgumentException>(() => new TrainerOptions(BatchSize: 0)).Message);
        Assert.StartsWith("TrainerOptions: Epochs must be at least 1", Assert.Throws<ArgumentException>(() => new TrainerOptions() with { Epochs = 0 }).Message);
        Assert.Contains("no CheckpointPath", Assert.Throws<ArgumentException>(() => new Trainer(net, sgd, new TrainerOptions(CheckpointEvery: 1))).Message);
        Assert.Equal(Weights(Mlp(1)), Weights(net)); // nothing trained
    }

    /// <summary>Adds 0·√s to its input: the forward value is unchanged, but at s = 0 the gradient of s is 0·∞ = NaN.</summary>
    private sealed class NaNGradient : Module
    {
        private readonly Tensor _s;
        public NaNGradient() => _s = RegisterParameter("s", Tensor.Zeros(1));
        public override Tensor Forward(Tensor x) => x + _s.Sqrt() * Tensor.Scalar(0f);
    }

    [Fact]
    public void TheGuardNamesTheStepAndTheParameter()
    {
        var (x, y) = Blobs(60, 1);
        var opts = new TrainerOptions(Epochs: 2, BatchSize: 20);

        var net = new Sequential(new Linear(2, 3, new Rng(1)), new NaNGradient());
        var e = Assert.Throws<TrainingDivergedException>(() => new Trainer(net, new Sgd(net.Parameters(), new SgdOptions(0.1f)), opts).Fit(x, y));
        Assert.StartsWith("Trainer: epoch 1, step 1 (global step 1): the gradient of 1.s (layer 1, NaNGradient) has NaN", e.Message);
        Assert.Equal("1.s", e.Parameter);

        // A learning rate of float.MaxValue sends the first update to infinity.
        var big = Tensor.FromArray(x.ToArray().Select(v => v * 100f).ToArray(), 60, 2);
        net = Mlp(2);
        e = Assert.Throws<TrainingDivergedException>(() => new Trainer(net, new Sgd(net.Parameters(), new SgdOptions(float.MaxValue)), opts).Fit(big, y));
        Assert.Matches(@"^Trainer: epoch 1, step 1 \(global step 1\): the weight \d\.(weight|bias) \(layer \d, Linear\) became -?Inf after the update", e.Message);

        var nan = x.ToArray();
        nan[2 * 45] = float.NaN;
        net = Mlp(2);
        var shuffled = new Trainer(net, new Sgd(net.Parameters(), new SgdOptions(0.1f)), opts with { BatchSize = 60 });
        e = Assert.Throws<TrainingDivergedException>(() => shuffled.Fit(Tensor.FromArray(nan, 60, 2), y));
        Assert.StartsWith("Trainer: epoch 1, step 1 (global step 1): the loss is NaN", e.Message);
        Assert.Null(e.Parameter);
    }

    [Fact]
    public void CheckpointsAppearEveryNEpochsAndLeaveNoTemporaryFiles()
    {
        var (x, y) = Blobs(60, 1);
        var net = Mlp(1);
        var path = Path.Combine(_dir, "ck-{epoch}.theta");
        var meta = new NetworkMetadata([2], ["a", "b", "c"], "blobs");
        new Trainer(net, new Sgd(net.Parameters(), new SgdOptions(0.1f)), new TrainerOptions(Epochs: 5, BatchSize: 20, CheckpointEvery: 2, CheckpointPath: path, CheckpointMetadata: meta)).Fit(x, y);
        Assert.Equal(["ck-2.theta", "ck-4.theta"], Directory.GetFiles(_dir).Select(Path.GetFileName).Order());
        // A checkpoint is also a model file.
        var loaded = NetworkFile.Read(Path.Combine(_dir, "ck-4.theta"), inputShape: [2]);
        Assert.Equal(["a", "b", "c"], loaded.Metadata.Classes);
        Assert.Equal(3, loaded.Network.Count);
    }

    public static TheoryData<string, float> ResumeCases() => new() { { "sgd", 0f }, { "adam", 0f }, { "adam", 0.3f }, { "momentum", 0.3f } };

    private static Optimizer MakeOptimizer(string kind, Module m) => kind switch
    {
        "sgd" => new Sgd(m.Parameters(), new SgdOptions(0.1f)),
        "momentum" => new Momentum(m.Parameters(), new MomentumOptions(0.05f)),
        _ => new Adam(m.Parameters(), new AdamOptions(0.01f)),
    };

    [Theory]
    [MemberData(nameof(ResumeCases))]
    public void ResumingIsBitIdenticalToAnUninterruptedRun(string optimizer, float dropout)
    {
        var (x, y) = Blobs(90, 3);
        var (xv, yv) = Blobs(30, 4);
        var opts = new TrainerOptions(Epochs: 4, BatchSize: 16, Seed: 11, Schedule: new StepLR(0.05f, 7, 0.5f));

        var straight = Mlp(9, dropout);
        var full = new Trainer(straight, MakeOptimizer(optimizer, straight), opts).Fit(x, y, xv, yv);

        var path = Path.Combine(_dir, "ck.theta");
        var first = Mlp(9, dropout);
        new Trainer(first, MakeOptimizer(optimizer, first), opts with { Epochs = 2, CheckpointEvery = 2, CheckpointPath = path }).Fit(x, y, xv, yv);

        // Resume into a freshly built model (different initial weights and dropout seed: all overwritten) ...
        var again = Mlp(1234, dropout);
        var trainer = new Trainer(again, MakeOptimizer(optimizer, again), opts);
        Assert.Equal(2, trainer.ResumeFrom(path));
        var resumed = trainer.Fit(x, y, xv, yv);
        // ... and into a model rebuilt from the checkpoint itself.
        var rebuilt = Trainer.Resume(path, m => MakeOptimizer(optimizer, m), opts);
        rebuilt.Fit(x, y, xv, yv);

        Assert.Equal(full.Epochs.Select(e => (e.TrainLoss, e.ValLoss)), resumed.Epochs.Select(e => (e.TrainLoss, e.ValLoss)));
        foreach (var other in new[] { again, rebuilt.Model })
        {
            var (a, b) = (Weights(straight), Weights(other));
            for (int i = 0; i < a.Length; i++)
                Assert.Equal(a[i].Select(BitConverter.SingleToInt32Bits), b[i].Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Fact]
    public void ACheckpointForAnotherModelIsRejectedAndChangesNothing()
    {
        var (x, y) = Blobs(60, 1);
        var path = Path.Combine(_dir, "ck.theta");
        var net = Mlp(1);
        new Trainer(net, new Adam(net.Parameters(), new AdamOptions()), new TrainerOptions(Epochs: 1, BatchSize: 20, CheckpointEvery: 1, CheckpointPath: path)).Fit(x, y);

        var wider = new Sequential(new Linear(2, 8, new Rng(1)), new ReLU(), new Linear(8, 3, new Rng(1)));
        var before = Weights(wider);
        var t = new Trainer(wider, new Adam(wider.Parameters(), new AdamOptions()), new TrainerOptions());
        Assert.Contains("the checkpoint is for another architecture", Assert.Throws<ModelFormatException>(() => t.ResumeFrom(path)).Message);
        Assert.Equal(before, Weights(wider));

        var same = Mlp(2);
        var sgd = new Trainer(same, new Sgd(same.Parameters(), new SgdOptions(0.1f)), new TrainerOptions());
        Assert.Contains("written with the Adam optimizer; this trainer uses Sgd", Assert.Throws<ModelFormatException>(() => sgd.ResumeFrom(path)).Message);
        Assert.Equal(0, sgd.EpochsDone);

        NetworkFile.Save(net, Path.Combine(_dir, "model.theta"));
        Assert.Contains("not a checkpoint", Assert.Throws<ModelFormatException>(() => sgd.ResumeFrom(Path.Combine(_dir, "model.theta"))).Message);
    }
}
