using BenchmarkDotNet.Attributes;
using Theta.Cli.Bench;
using Theta.Peers;

namespace Theta.Bench;

/// <summary>
/// One SGD training step (batch 64, mean softmax cross-entropy, lr 0.1) of the peers' three networks
/// (<see cref="TrainWorkload"/>, the workload of <c>theta bench train</c>), and one inference forward of
/// a batch of 256, on 1 and 2 threads. Examples/s = 64 / Mean (training) or 256 / Mean (inference).
/// </summary>
[MemoryDiagnoser]
public class TrainBenchmarks
{
    private TrainWorkload _work = null!;
    private int _j;

    [Params("mlp_relu", "mlp_sigmoid", "cnn")]
    public string Network { get; set; } = "mlp_relu";

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        ThetaRuntime.Threads = Threads;
        _work = new TrainWorkload(Network);
    }

    [Benchmark]
    public float TrainStep() => _work.Step();

    [Benchmark]
    public void InferBatch256() => _work.Infer(_j++);
}
