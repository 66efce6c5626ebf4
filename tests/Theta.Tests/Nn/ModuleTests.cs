using Theta.Nn;

namespace Theta.Tests.Nn;

public sealed class ModuleTests
{
    // The lecture's network: 40 inputs, 20 sigmoid hidden units, one sigmoid output.
    private static Sequential Lecture(bool bias, Initializer? init = null, ulong seed = 1)
    {
        var rng = new Rng(seed);
        return new Sequential(
            new Linear(40, 20, rng, bias, init), new Sigmoid(),
            new Linear(20, 1, rng, bias, init), new Sigmoid());
    }

    [Theory]
    [InlineData(false, 820)] // 40·20 + 20·1
    [InlineData(true, 841)]  // + 20 + 1 biases
    public void LectureNetworkHasTheCountedParameters(bool bias, int expected)
        => Assert.Equal(expected, Lecture(bias).ParameterCount);

    [Fact]
    public void ParametersAreNamedWithDotsInRegistrationOrder()
    {
        var rng = new Rng(2);
        var net = new Sequential(new Conv2d(1, 4, 3, rng), new ReLU(), new Flatten(), new Linear(4, 2, rng, bias: false));
        var named = net.NamedParameters().ToList();
        Assert.Equal(["0.weight", "0.bias", "3.weight"], named.Select(p => p.Name));
        Assert.Equal([4, 1, 3, 3], named[0].Parameter.Shape.Dims.ToArray());
        Assert.Equal([2, 4], named[2].Parameter.Shape.Dims.ToArray());
        Assert.Same(((Linear)net[3]).Weight, net.Parameters().Last());
        Assert.All(net.Parameters(), p => Assert.True(p.RequiresGrad));
    }

    [Fact]
    public void NestedSequentialNamesNest()
    {
        var rng = new Rng(3);
        var net = new Sequential(new Sequential(new Linear(2, 3, rng), new Tanh()), new Linear(3, 1, rng));
        Assert.Equal(["0.0.weight", "0.0.bias", "1.weight", "1.bias"], net.NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void EvalPropagatesToChildrenAndMakesDropoutTheIdentity()
    {
        var rng = new Rng(4);
        var drop = new Dropout(0.5f, new Rng(5));
        var net = new Sequential(new Sequential(drop), new Linear(8, 8, rng));
        var x = Tensor.Ones(4, 8);

        Assert.True(drop.Training);
        var dropped = drop.Forward(x).ToArray();
        Assert.Contains(0f, dropped);   // some dropped …
        Assert.Contains(2f, dropped);   // … the kept ones scaled by 1/(1 − p)

        net.Eval();
        Assert.False(drop.Training);
        Assert.Equal(x.ToArray(), drop.Forward(x).ToArray());

        net.Train();
        Assert.True(drop.Training);
    }

    [Fact]
    public void DropoutMasksAreReproducibleFromTheSeed()
    {
        var x = Tensor.Ones(16);
        Assert.Equal(new Dropout(0.3f, new Rng(9)).Forward(x).ToArray(), new Dropout(0.3f, new Rng(9)).Forward(x).ToArray());
    }

    [Fact]
    public void ZeroGradClearsEveryParameter()
    {
        var net = Lecture(bias: true);
        Loss.SquaredError(net.Forward(Tensor.Ones(2, 40)), Tensor.Zeros(2, 1)).Backward();
        Assert.All(net.Parameters(), p => Assert.NotNull(p.Grad));
        net.ZeroGrad();
        Assert.All(net.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void DescribeListsTheArchitecture()
    {
        var rng = new Rng(6);
        var d = new Sequential(new Conv2d(3, 8, 5, rng, stride: 2, padding: 1), new LeakyReLU(0.2f), new MaxPool2d(2), new Dropout(0.25f, rng), new Softmax(1)).Describe();
        Assert.Equal("Sequential", d["type"]);
        var layers = (List<IReadOnlyDictionary<string, object>>)d["layers"];
        Assert.Equal(["Conv2d", "LeakyReLU", "MaxPool2d", "Dropout", "Softmax"], layers.Select(l => (string)l["type"]));
        Assert.Equal((3, 8, 5, 2, 1, true), ((int)layers[0]["in"], (int)layers[0]["out"], (int)layers[0]["kernel"], (int)layers[0]["stride"], (int)layers[0]["padding"], (bool)layers[0]["bias"]));
        Assert.Equal(0.2f, layers[1]["slope"]);
        Assert.Equal(2, layers[2]["stride"]);
        Assert.Equal(0.25f, layers[3]["p"]);
        Assert.Equal(1, layers[4]["axis"]);
    }

    [Fact]
    public void LayersRejectBadArguments()
    {
        var rng = new Rng(7);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Linear(0, 3, rng));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2d(1, 1, 3, rng, stride: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(1f, rng));
        Assert.Throws<ArgumentException>(() => new Sequential());
    }
}
