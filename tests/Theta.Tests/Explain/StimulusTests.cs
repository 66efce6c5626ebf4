using Theta.Data;
using Theta.Explain;
using Theta.Optim;
using Theta.Training;

namespace Theta.Tests.Explain;

/// <summary>The best stimulus and the per-layer activations on a small MLP trained on part of MNIST.</summary>
public sealed class StimulusTests
{
    // A 784-128-10 ReLU MLP after one seeded epoch on 5,000 training images (about a second), and 1,000 test images.
    private static readonly Lazy<(Theta.Nn.Sequential Net, MnistSplit Test)> Trained = new(() =>
    {
        var (train, test) = Mnist.Load(Path.Combine(TestData.Root, "mnist"));
        train = train.Take(5000);
        var net = MnistNetworks.Create("mlp", new Rng(3));
        new Trainer(net, new Adam(net.Parameters(), new AdamOptions(2e-3f)), new TrainerOptions(1, 64, 3)).Fit(train.Images, train.Labels);
        return (net, test.Take(1000));
    });

    [Theory]
    [InlineData(2, 5)]   // a hidden ReLU unit
    [InlineData(3, 7)]   // the logit of "7"
    public void TheBestStimulusExcitesItsUnitFarMoreThanRealDigits(int layer, int unit)
    {
        var (net, test) = Trained.Value;
        var real = Stimulus.UnitActivations(net, layer, unit, test.Images);
        float mean = real.Average(), max = real.Max();
        var r = Stimulus.Find(net, layer, unit, [1, 28, 28], new StimulusOptions(Steps: 100));
        Assert.Equal([1, 1, 28, 28], r.Image.Shape.Dims.ToArray());
        Assert.All(r.Image.ToArray(), v => Assert.InRange(v, 0f, 1f));
        Assert.Equal(r.Activation, Stimulus.UnitActivations(net, layer, unit, r.Image)[0], 3);
        Assert.True(r.Activation > max, $"stimulus {r.Activation} vs the best of 1,000 real digits {max}");
        Assert.True(r.Activation - mean > 2 * (max - mean), $"stimulus {r.Activation}, real digits: mean {mean}, max {max}");
    }

    [Fact]
    public void TheSameSeedFindsTheSameStimulus()
    {
        var net = MnistNetworks.Create("mlp", new Rng(1));
        var a = Stimulus.Find(net, 1, 0, [1, 28, 28], new StimulusOptions(Steps: 5, Seed: 9));
        var b = Stimulus.Find(net, 1, 0, [1, 28, 28], new StimulusOptions(Steps: 5, Seed: 9));
        Assert.Equal(a.Image.ToArray(), b.Image.ToArray());
    }

    [Fact]
    public void AConvUnitIsAChannelAndBadIndicesListTheValidRanges()
    {
        var cnn = MnistNetworks.Create("cnn", new Rng(1));
        Assert.Equal([20, 20, 20, 40, 40, 40, 1960, 128, 128, 128, 10], Stimulus.UnitCounts(cnn, [1, 28, 28]));
        var r = Stimulus.Find(cnn, 0, 4, [1, 28, 28], new StimulusOptions(Steps: 3));
        Assert.True(float.IsFinite(r.Activation));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Stimulus.CheckUnit(cnn, 11, 0, [1, 28, 28]));
        Assert.Contains("layers are 0–10", e.Message);
        Assert.Contains("0 Conv2d (20 units)", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => Stimulus.CheckUnit(cnn, 3, 40, [1, 28, 28]));
        Assert.Contains("units are 0–39", e.Message);
    }

    [Fact]
    public void ActivationsAreEveryLayersOutputInOrder()
    {
        var net = MnistNetworks.Create("mlp", new Rng(1));
        var x = Tensor.Uniform(new Rng(2), 0, 1, 1, 1, 28, 28);
        var layers = Activations.Run(net, x);
        Assert.Equal(["Flatten", "Linear", "ReLU", "Linear"], layers.Select(l => l.Layer));
        Assert.Equal([1, 10], layers[^1].Output.Shape.Dims.ToArray());
        using (Theta.Autograd.NoGrad()) Assert.Equal(net.Forward(x).ToArray(), layers[^1].Output.ToArray());
        Assert.All(layers[2].Output.ToArray(), v => Assert.True(v >= 0));
    }
}
