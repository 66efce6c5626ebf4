using Theta.Data;
using Theta.Explain;
using Theta.Io;
using Theta.Optim;
using Theta.Training;
using Theta.Nn;

namespace Theta.Tests.Training;

/// <summary>The playground's model without any page: the regression sets, the three heads, saving as a network file.</summary>
public sealed class ToyNetworkTests
{
    private static ToyNetworkOptions Defaults(params int[] hidden) => new(Feature2D.X1 | Feature2D.X2, hidden, [Activation.Tanh], 0,
        ToyLoss.LogLikelihood, OptimizerKind.Adam, 0.03f, 0, 0, 10, 1);

    private static (Point2D[] Train, Point2D[] Test) Data(Toy2DKind kind, float noise = 0)
    {
        var rng = new Rng(1);
        return Toy2D.Split(Toy2D.Generate(kind, 500, noise, rng), 0.5, rng);
    }

    [Fact]
    public void The_regression_sets_carry_their_clean_targets_without_noise()
    {
        foreach (var kind in new[] { Toy2DKind.RegressPlane, Toy2DKind.RegressGaussians })
        {
            Assert.True(Toy2D.IsRegression(kind));
            var pts = Toy2D.Generate(kind, 400, 0, new Rng(2));
            Assert.All(pts, p => Assert.Equal(Toy2D.RegressionTarget(kind, p.X1, p.X2), p.Target));
            Assert.All(pts, p => Assert.True(p.Label == 0 && Math.Abs(p.X1) <= 6 && Math.Abs(p.X2) <= 6 && Math.Abs(p.Target) <= 1.2f));
            Assert.True(pts.Select(p => p.Target).Distinct().Count() > 100, $"{kind}: the targets barely vary");
        }
        Assert.Equal(0.3f, Toy2D.RegressionTarget(Toy2DKind.RegressPlane, 1, 2), 6);
        Assert.Equal(1f, Toy2D.RegressionTarget(Toy2DKind.RegressGaussians, -4, 2.5f));
        Assert.Equal(-1f, Toy2D.RegressionTarget(Toy2DKind.RegressGaussians, 0, 2.5f));
        Assert.Equal(-0.5f, Toy2D.RegressionTarget(Toy2DKind.RegressGaussians, 4, -1.5f), 5); // 1 from (4, −2.5): half-way down
        Assert.Equal(0f, Toy2D.RegressionTarget(Toy2DKind.RegressGaussians, 6, 0));
        Assert.False(Toy2D.IsRegression(Toy2DKind.Circle));
        // Noise moves where the target is read, so it blurs the targets, not the positions.
        var noisy = Toy2D.Generate(Toy2DKind.RegressPlane, 400, 0.5f, new Rng(2));
        Assert.Contains(noisy, p => Math.Abs(p.Target - Toy2D.RegressionTarget(Toy2DKind.RegressPlane, p.X1, p.X2)) > 0.1f);
    }

    [Fact]
    public void The_plane_regression_reaches_a_test_error_under_0_01_with_a_linear_output()
    {
        var (train, test) = Data(Toy2DKind.RegressPlane);
        var net = new ToyNetwork(Defaults(4, 2), classes: 1);
        Assert.True(net.IsRegression);
        float first = net.Evaluate(test).Loss;
        for (int e = 0; e < 60; e++) net.TrainEpoch(train);
        var (loss, accuracy) = net.Evaluate(test);
        Assert.True(loss < 0.01f, $"test mean squared error {first:F4} -> {loss:F4} after 60 epochs");
        Assert.Equal(0, accuracy);
        // The mean squared error by hand, from the predictions.
        var x = Tensor.FromArray(Toy2D.FeatureMatrix(test, Feature2D.X1 | Feature2D.X2), test.Length, 2);
        var pred = net.Predict(x);
        Assert.Equal(test.Select((p, i) => (pred[i] - p.Target) * (pred[i] - p.Target)).Average(), loss, 4);
        // Linear output: predictions leave the [0, 1] of a sigmoid.
        Assert.Contains(pred, v => v < -0.3f);
    }

    [Fact]
    public void The_gaussian_mixture_regression_learns()
    {
        var (train, test) = Data(Toy2DKind.RegressGaussians);
        var net = new ToyNetwork(Defaults(8, 8), classes: 1);
        float first = net.Evaluate(test).Loss;
        for (int e = 0; e < 80; e++) net.TrainEpoch(train);
        float last = net.Evaluate(test).Loss;
        Assert.True(last < 0.5f * first && last < 0.08f, $"test mean squared error {first:F4} -> {last:F4}");
    }

    [Fact]
    public void Three_classes_give_softmax_probabilities_and_learn_the_three_gaussians()
    {
        var (train, test) = Data(Toy2DKind.Gaussians3);
        var net = new ToyNetwork(Defaults(4, 2), classes: 3);
        for (int e = 0; e < 30; e++) net.TrainEpoch(train);
        Assert.True(net.Evaluate(test).Accuracy >= 0.95f, $"test accuracy {net.Evaluate(test).Accuracy:P1}");
        var p = net.Predict(Tensor.FromArray([3f, 0f, -1.5f, 2.6f, -1.5f, -2.6f], 3, 2)); // the three centres
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(1f, p[3 * i] + p[3 * i + 1] + p[3 * i + 2], 4);
            Assert.True(p[3 * i + i] > 0.8f, $"centre {i}: P = {p[3 * i]:F2}, {p[3 * i + 1]:F2}, {p[3 * i + 2]:F2}");
        }
    }

    [Fact]
    public void Hidden_activations_are_one_tensor_per_hidden_layer_after_the_activation()
    {
        var net = new ToyNetwork(Defaults(3, 2) with { Activations = [Activation.Relu, Activation.Sigmoid], Dropout = 0.2f }, classes: 2);
        var h = net.HiddenActivations(Tensor.FromArray([1f, -2f, 0.5f, 3f], 2, 2));
        Assert.Equal([3, 2], h.Select(t => t.Shape.Dims[1]));
        Assert.All(h[0].ToArray(), v => Assert.True(v >= 0));
        Assert.All(h[1].ToArray(), v => Assert.InRange(v, 0, 1));
    }

    [Fact]
    public void Retune_keeps_the_weights_and_refuses_a_new_architecture()
    {
        var net = new ToyNetwork(Defaults(4), classes: 2);
        var before = net.Linears[0].Weight.ToArray();
        net.Retune(net.Options with { LearningRate = 0.1f, Optimizer = OptimizerKind.Sgd, L2 = 0.01f });
        Assert.Equal(before, net.Linears[0].Weight.ToArray());
        Assert.Throws<ArgumentException>(() => net.Retune(net.Options with { Hidden = [5] }));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_saved_network_loads_as_a_network_file_and_summarises(int classes)
    {
        var net = new ToyNetwork(Defaults(4, 2) with { Features = Feature2D.X1 | Feature2D.X2 | Feature2D.SinX1 }, classes);
        var (train, _) = Data(classes == 3 ? Toy2DKind.Gaussians3 : classes == 2 ? Toy2DKind.Circle : Toy2DKind.RegressPlane);
        net.TrainEpoch(train);
        string dir = Directory.CreateTempSubdirectory("theta-toy-").FullName;
        try
        {
            string path = Path.Combine(dir, "toy.theta");
            net.Save(path, "playground:test");
            var read = NetworkFile.Read(path, [3]);
            Assert.Equal("playground:test", read.Metadata.Dataset);
            Assert.Equal("x1,x2,sin x1", read.Metadata.Extra!["features"]);
            var x = Tensor.FromArray([1f, -2f, MathF.Sin(1f)], 1, 3);
            Assert.Equal(net.Network.Forward(x).ToArray(), read.Network.Forward(x).ToArray());
            var summary = InspectedModel.Load(path).Summary();
            Assert.Equal(classes == 3 ? 3 : 1, summary.Rows[^1].OutputShape.Dims[^1]);
            Assert.Equal(3 * 4 + 4 + 4 * 2 + 2 + 2 * (classes == 3 ? 3 : 1) + (classes == 3 ? 3 : 1), summary.TotalParameters);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
