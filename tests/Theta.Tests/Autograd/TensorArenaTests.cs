using Theta.Nn;
using Theta.Optim;

namespace Theta.Tests.Autograd;

public sealed class TensorArenaTests
{
    // A small CNN and an MLP trained a few SGD steps, with and without an arena, must end bit-identical.
    [Theory]
    [InlineData("mlp")]
    [InlineData("cnn")]
    public void TrainingInAnArenaGivesTheSameParameters(string kind)
    {
        float[] Train(bool arena)
        {
            var rng = new Rng(7);
            Module model = kind == "mlp"
                ? new Sequential(new Linear(30, 17, rng), new ReLU(), new Linear(17, 5, rng))
                : new Sequential(new Conv2d(1, 3, 3, rng, padding: 1), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(3 * 4 * 4, 5, rng));
            var x = kind == "mlp" ? Tensor.Uniform(new Rng(1), 0, 1, 9, 30) : Tensor.Uniform(new Rng(1), 0, 1, 9, 1, 8, 8);
            int[] y = [0, 1, 2, 3, 4, 0, 1, 2, 3];
            var opt = new Sgd(model.Parameters(), new SgdOptions(0.1f));
            var a = new TensorArena();
            for (int step = 0; step < 4; step++)
            {
                using var scope = arena ? a.Use() : default;
                opt.ZeroGrad();
                Loss.CrossEntropy(model.Forward(x), y).Backward();
                opt.Step();
            }
            return [.. model.Parameters().SelectMany(p => p.ToArray())];
        }
        Assert.Equal(Train(false), Train(true));
    }

    // The benchmark's CNN on a batch large enough to thread every kernel: 1 and 2 threads, bit-identical.
    [Fact]
    public void TrainingDoesNotDependOnTheThreadCount()
    {
        float[] Train(int threads)
        {
            int saved = ThetaRuntime.Threads;
            ThetaRuntime.Threads = threads;
            try
            {
                var rng = new Rng(11);
                var model = new Sequential(new Conv2d(1, 8, 5, rng, padding: 2), new ReLU(), new MaxPool2d(2),
                    new Conv2d(8, 16, 5, rng, padding: 2), new ReLU(), new MaxPool2d(3), new Flatten(), new Linear(256, 10, rng));
                var x = Tensor.Uniform(new Rng(2), 0, 1, 32, 1, 28, 28);
                int[] y = [.. Enumerable.Range(0, 32).Select(i => i % 10)];
                var opt = new Sgd(model.Parameters(), new SgdOptions(0.1f));
                var arena = new TensorArena();
                for (int step = 0; step < 2; step++)
                {
                    using var _ = arena.Use();
                    opt.ZeroGrad();
                    Loss.CrossEntropy(model.Forward(x), y).Backward();
                    opt.Step();
                }
                return [.. model.Parameters().SelectMany(p => p.ToArray())];
            }
            finally { ThetaRuntime.Threads = saved; }
        }
        Assert.Equal(Train(1), Train(2));
    }

    [Fact]
    public void AStepInAWarmArenaAllocatesLittle()
    {
        var rng = new Rng(3);
        var model = new Sequential(new Linear(784, 128, rng), new ReLU(), new Linear(128, 10, rng));
        var x = Tensor.Uniform(rng, 0, 1, 64, 784);
        var y = new int[64];
        var opt = new Sgd(model.Parameters(), new SgdOptions(0.1f));
        var arena = new TensorArena();
        void Step()
        {
            using var _ = arena.Use();
            opt.ZeroGrad();
            Loss.CrossEntropy(model.Forward(x), y).Backward();
            opt.Step();
        }
        Step(); Step();
        long held = arena.Bytes, before = GC.GetAllocatedBytesForCurrentThread();
        Step();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(held, arena.Bytes);               // nothing new taken: the second step's buffers were reused
        Assert.True(allocated < 32 * 1024, $"a warm step allocated {allocated} bytes"); // without reuse: > 500 KB (the 128×784 gradient alone is 401 KB)
    }

    [Fact]
    public void CreationFunctionsInsideAScopeOutliveIt()
    {
        var arena = new TensorArena();
        Tensor kept;
        using (arena.Use()) kept = Tensor.Full(2f, 300);
        using (arena.Use()) { var t = Tensor.Full(1f, 300) * 5f; Assert.Equal(5f, t[299]); }
        Assert.All(kept.ToArray(), v => Assert.Equal(2f, v));
    }

    [Fact]
    public void ZeroGradThenBackwardStartsFromZeroInTheReusedBuffer()
    {
        var w = Tensor.Full(3f, 400).RequireGrad();
        (w * w).Sum().Backward();            // dw = 2w = 6
        var first = w.Grad!;
        w.ZeroGrad();
        Assert.Null(w.Grad);
        (w * 2f).Sum().Backward();           // dw = 2, not 6 + 2
        Assert.All(w.Grad!.ToArray(), v => Assert.Equal(2f, v));
        Assert.Same(first, w.Grad);          // the memory was reused
    }

    [Fact]
    public void NestedUseOfTheSameArenaIsRefused()
    {
        var arena = new TensorArena();
        using var _ = arena.Use();
        Assert.Throws<InvalidOperationException>(() => arena.Use());
    }
}
