namespace Theta.Nn;

// The activation layers: each wraps one elementwise op and has no parameters.

/// <summary>σ(x) = 1 / (1 + e^(−x)), elementwise.</summary>
public sealed class Sigmoid : Module
{
    public override Tensor Forward(Tensor x) => x.Sigmoid();

    internal static Module Rebuild(ILayerFields f) => new Sigmoid();
}

/// <summary>tanh(x) = (e^x − e^(−x)) / (e^x + e^(−x)), elementwise.</summary>
public sealed class Tanh : Module
{
    public override Tensor Forward(Tensor x) => x.Tanh();

    internal static Module Rebuild(ILayerFields f) => new Tanh();
}

/// <summary>ReLU(x) = max(0, x), elementwise.</summary>
public sealed class ReLU : Module
{
    public override Tensor Forward(Tensor x) => x.Relu();

    internal static Module Rebuild(ILayerFields f) => new ReLU();
}

/// <summary>LeakyReLU(x) = x for x &gt; 0, slope·x otherwise, elementwise.</summary>
public sealed class LeakyReLU(float slope = 0.01f) : Module
{
    /// <summary>The slope for negative inputs.</summary>
    public float Slope { get; } = slope;

    public override Tensor Forward(Tensor x) => x.LeakyRelu(Slope);

    internal static Module Rebuild(ILayerFields f) => new LeakyReLU(f.Float("slope"));

    protected override void AddDescription(IDictionary<string, object> d) => d["slope"] = Slope;
}

/// <summary>softmax(x)_i = e^(x_i) / Σ_j e^(x_j) along <see cref="Axis"/> (default the last).</summary>
public sealed class Softmax(int axis = -1) : Module
{
    public int Axis { get; } = axis;

    public override Tensor Forward(Tensor x) => x.Softmax(Axis);

    internal static Module Rebuild(ILayerFields f) => new Softmax(f.Int("axis"));

    protected override void AddDescription(IDictionary<string, object> d) => d["axis"] = Axis;
}

/// <summary>log softmax(x)_i = x_i − log Σ_j e^(x_j) along <see cref="Axis"/> (default the last): log-probabilities, as PyTorch networks often end.</summary>
public sealed class LogSoftmax(int axis = -1) : Module
{
    public int Axis { get; } = axis;

    public override Tensor Forward(Tensor x) => x.LogSoftmax(Axis);

    internal static Module Rebuild(ILayerFields f) => new LogSoftmax(f.Int("axis"));

    protected override void AddDescription(IDictionary<string, object> d) => d["axis"] = Axis;
}
