using Theta.Data;
using Theta.Optim;
using Theta.Training;

namespace Theta.Tests.Training;

/// <summary>Short, seeded versions of the MNIST runs (the full runs and their figures are in docs/benchmarks.md).</summary>
public sealed class MnistTrainingTests
{
    private static readonly Lazy<(MnistSplit Train, MnistSplit Test)> Data = new(() => Mnist.Load(Path.Combine(TestData.Root, "mnist")));

    private static (double Accuracy, TrainingHistory History) Run(string net, int trainRows, int testRows, int epochs, ulong seed = 1)
    {
        var (train, test) = Data.Value;
        train = train.Take(trainRows);
        test = test.Take(testRows);
        var model = MnistNetworks.Create(net, new Rng(seed));
        var trainer = new Trainer(model, new Adam(model.Parameters(), new AdamOptions(2e-3f)), new TrainerOptions(epochs, 64, seed));
        var history = trainer.Fit(train.Images, train.Labels);
        return (Trainer.Evaluate(model, test.Images, test.Labels).Accuracy, history);
    }

    [Fact]
    public void TheMlpLearnsDigitsFromTenThousandImages()
    {
        var (acc, history) = Run("mlp", 10000, 10000, 2);
        Assert.True(acc > 0.90, $"test accuracy {acc}");
        Assert.True(history.Epochs[1].TrainLoss < history.Epochs[0].TrainLoss);
    }

    [Fact]
    public void TheBundledFullyConnectedNetworkIs784_300_100_10UnderTwoMegabytesAndReads98PercentOfTheTestSet()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Theta.slnx"))) dir = dir.Parent;
        string path = Path.Combine(dir!.FullName, "src", "Theta.Web", "models", "mnist-mlp.theta");
        Assert.InRange(new FileInfo(path).Length, 1, 2_000_000);
        var net = Theta.Io.NetworkFile.Load(path, [1, 28, 28]);
        Assert.Equal(Theta.Io.NetworkArchitecture.ToJson(MnistNetworks.Create("mlp300", new Rng(0))).ToJsonString(), Theta.Io.NetworkArchitecture.ToJson(net).ToJsonString());
        var (_, test) = Data.Value;
        double acc = Trainer.Evaluate(net, test.Images, test.Labels).Accuracy;
        Assert.True(acc >= 0.98, $"the bundled 784-300-100-10 reads {acc:P2} of the 10,000 test images");
    }

    [Fact]
    public void TheLecturesSigmoidNetworkLearns()
    {
        var (acc, _) = Run("sigmoid", 10000, 10000, 2);
        Assert.True(acc > 0.88, $"test accuracy {acc}");
    }

    [Fact]
    public void TheCnnLearnsAndTheSameSeedGivesTheSameNetwork()
    {
        var (a, h1) = Run("cnn", 2000, 2000, 1, seed: 5);
        Assert.True(a > 0.80, $"test accuracy {a}");
        var (b, h2) = Run("cnn", 2000, 2000, 1, seed: 5);
        Assert.Equal(a, b);
        Assert.Equal(h1.Epochs[0].TrainLoss, h2.Epochs[0].TrainLoss);
    }
}
