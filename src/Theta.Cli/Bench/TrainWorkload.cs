using Theta.Nn;
using Theta.Optim;

namespace Theta.Cli.Bench;

/// <summary>
/// The training benchmark of ../shared/peers (bench_train_torch.py and the TorchSharp / JS scripts):
/// N = 10,000 synthetic samples x ~ U[0,1]^784, y ~ U{0..9} from a seeded <see cref="Rng"/>; batch 64;
/// plain SGD (lr 0.1, no momentum, no decay); mean softmax cross-entropy; sequential batches, no shuffle.
/// Networks: <c>mlp_relu</c> 784-128-10 ReLU, <c>mlp_sigmoid</c> 784-100-10 sigmoid, <c>cnn</c>
/// conv 5×5×8 pad 2 - ReLU - maxpool 2 - conv 5×5×16 pad 2 - ReLU - maxpool 3 - linear 256→10 on [N,1,28,28].
/// Shared by <c>theta bench train</c> and the BenchmarkDotNet suite.
/// </summary>
internal sealed class TrainWorkload
{
    public const int Samples = 10_000, Features = 784, Classes = 10, Batch = 64, InferBatch = 256;
    public const float LearningRate = 0.1f;

    /// <summary>The networks, in the peers' order.</summary>
    public static readonly string[] Networks = ["mlp_relu", "mlp_sigmoid", "cnn"];

    private readonly float[] _x;
    private readonly int[] _y;
    private readonly Tensor _x1;
    private readonly Sgd _opt;
    private readonly TensorArena _arena = new();
    private readonly bool _image;
    private int _k;

    public TrainWorkload(string network, ulong seed = 0)
    {
        Network = network;
        var rng = new Rng(seed);
        _x = new float[Samples * Features];
        for (int i = 0; i < _x.Length; i++) _x[i] = rng.NextFloat();
        _y = new int[Samples];
        for (int i = 0; i < Samples; i++) _y[i] = rng.NextInt(Classes);
        Model = Build(network, rng);
        _opt = new Sgd(Model.Parameters(), new SgdOptions(LearningRate));
        _image = network == "cnn";
        _x1 = Rows(0, 1);
    }

    public string Network { get; }
    public Module Model { get; }

    // Samples [first, first + n) as a [n, 784] or [n, 1, 28, 28] tensor over the data set's array: no copy, as
    // the peers' scripts slice x[i:i+64] (a view) from theirs.
    private Tensor Rows(int first, int n)
        => _image ? Tensor.View(_x, first * Features, n, 1, 28, 28) : Tensor.View(_x, first * Features, n, Features);

    /// <summary>Batches per timed training pass and warm-up batches, as bench_train_torch.py's TRAIN_CFG.</summary>
    public (int Pass, int Warmup) TrainBatches => Network == "cnn" ? (40, 10) : (156, 20);

    /// <summary>Batches of 256 per timed inference pass and warm-up, as INFER_CFG.</summary>
    public (int Pass, int Warmup) InferBatches => Network == "cnn" ? (20, 3) : (39, 5);

    /// <summary>Training FLOP per example ≈ 3 × 2 × forward multiply-adds (the peers' README).</summary>
    public static double TrainFlopsPerExample(string network) => network switch { "mlp_relu" => 0.610e6, "mlp_sigmoid" => 0.476e6, _ => 4.719e6 };

    public static Module Build(string network, Rng rng) => network switch
    {
        "mlp_relu" => new Sequential(new Linear(784, 128, rng), new ReLU(), new Linear(128, 10, rng)),
        "mlp_sigmoid" => new Sequential(new Linear(784, 100, rng), new Sigmoid(), new Linear(100, 10, rng)),
        "cnn" => new Sequential(
            new Conv2d(1, 8, 5, rng, padding: 2), new ReLU(), new MaxPool2d(2),     // 28×28×8 → 14×14×8
            new Conv2d(8, 16, 5, rng, padding: 2), new ReLU(), new MaxPool2d(3),    // 14×14×16 → 4×4×16
            new Flatten(), new Linear(256, 10, rng)),
        _ => throw new ArgumentException($"unknown network '{network}' (expected one of {string.Join(", ", Networks)})"),
    };

    /// <summary>One SGD step on the next sequential batch of 64; returns the batch's loss.</summary>
    public float Step()
    {
        int nb = Samples / Batch, i = _k % nb * Batch;
        _k++;
        using var _ = _arena.Use();   // the step's temporaries are reused by the next step
        _opt.ZeroGrad();
        var loss = Loss.CrossEntropy(Model.Forward(Rows(i, Batch)), _y.AsSpan(i, Batch));
        loss.Backward();
        _opt.Step();
        return loss.Item();
    }

    /// <summary>Forward of batch j (of 256) under NoGrad.</summary>
    public void Infer(int j)
    {
        int nb = Samples / InferBatch, i = j % nb * InferBatch;
        using var _ = Autograd.NoGrad();
        using var __ = _arena.Use();
        Model.Forward(Rows(i, InferBatch));
    }

    /// <summary>Forward of one sample under NoGrad (the latency measurement).</summary>
    public void InferOne()
    {
        using var _ = Autograd.NoGrad();
        using var __ = _arena.Use();
        Model.Forward(_x1);
    }
}
