using Theta.Classic;
using Theta.Explain;
using Theta.Training;
using Theta.Nn;
using Theta.Tabular;

namespace Theta.Tests.Explain;

public sealed class GradCheckTests
{
    [Fact]
    public void ATrainedNetworkPasses()
    {
        var (train, _) = TestData.LoadCs109("heart");
        var model = NetworkClassifier.Fit(train, new NetworkOptions([8, 4], Activation.Tanh, Epochs: 3));
        var r = GradCheck.Run(model.Network, train.Features, train.Labels);
        Assert.True(r.Passed, $"{r.Worst.Name}: {r.Worst.RelativeError}");
        Assert.Equal(5, r.Rows);
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"], r.Tensors.Select(t => t.Name));
        Assert.True(r.Worst.RelativeError < 1e-4);
    }

    [Fact]
    public void LogisticRegressionPassesAsAOneLayerNetwork()
    {
        var (train, _) = TestData.LoadCs109("netflix");
        var lr = LogisticRegression.Fit(train, new LogisticRegressionOptions(Steps: 50));
        var r = GradCheck.Run(InspectedModel.AsNetwork(lr), train.Features, train.Labels, new GradCheckOptions(Rows: 10));
        Assert.True(r.Passed);
        Assert.Equal(["0.weight", "0.bias"], r.Tensors.Select(t => t.Name));
    }

    [Fact]
    public void ABrokenBackwardFailsAndIsNamed()
    {
        var net = ChainRuleTests.Net(11, 4, [5], () => new Theta.Nn.Sigmoid(), 3);
        var x = Tensor.Uniform(new Rng(12), -1f, 1f, 6, 4);
        int[] y = [0, 1, 2, 0, 1, 2];
        var stack = new DenseStack(net);
        // A backward that forgets σ'(z) in the hidden layer: the first layer's gradient comes out wrong.
        var r = GradCheck.RunWith(stack, x, y, new GradCheckOptions(), (s, xs, ys) =>
        {
            var g = ChainRule.Autodiff(s, xs, ys);
            g["0.weight"] = g["0.weight"].Select(v => v * 4).ToArray();
            return g;
        });
        Assert.False(r.Passed);
        Assert.Equal("0.weight", r.Worst.Name);
        Assert.True(GradCheck.Run(net, x, y).Passed);
    }
}
