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
