using System.Globalization;
using Theta.Nn;

namespace Theta.Explain;

/// <summary>The output link that turns the last layer's logits z into probabilities.</summary>
public enum OutputLink
{
    /// <summary>One logit: ŷ = P(y = 1 | x) = σ(z), LL = y ln ŷ + (1 − y) ln(1 − ŷ).</summary>
    Sigmoid,
    /// <summary>C logits: ŷₖ = softmax(z)ₖ, LL = ln ŷ_y.</summary>
    Softmax,
}

/// <summary>One linear layer of a <see cref="DenseStack"/>: z = W h + b (W [out, in]), then h' = act(z).</summary>
/// <param name="Name">The parameter prefix in the Sequential ("0", "2", …).</param>
internal sealed record DenseLayer(string Name, Linear Linear, Activation Act, float Slope)
{
    public int In => Linear.InFeatures;
    public int Out => Linear.OutFeatures;

    public double Apply(double z) => Act switch
    {
        Activation.Sigmoid => 1 / (1 + Math.Exp(-z)),
        Activation.Tanh => Math.Tanh(z),
        Activation.Relu => Math.Max(z, 0),
        Activation.LeakyRelu => z > 0 ? z : Slope * z,
        _ => z,
    };

    /// <summary>act'(z), written with the activation h where that is the textbook form: σ' = h(1 − h), tanh' = 1 − h².</summary>
    public double Derivative(double z, double h) => Act switch
    {
        Activation.Sigmoid => h * (1 - h),
        Activation.Tanh => 1 - h * h,
        Activation.Relu => z > 0 ? 1 : 0,
        Activation.LeakyRelu => z > 0 ? 1 : Slope,
        _ => 1,
    };

    /// <summary>The derivative's formula in words, for printed factors.</summary>
    public string DerivativeFormula(string z, string h) => Act switch
    {
        Activation.Sigmoid => $"σ'({z}) = {h}(1 − {h})",
        Activation.Tanh => $"tanh'({z}) = 1 − {h}²",
        Activation.Relu => $"ReLU'({z}) = 1 if {z} > 0 else 0",
        Activation.LeakyRelu => $"LeakyReLU'({z}) = 1 if {z} > 0 else {Slope.ToString(CultureInfo.InvariantCulture)}",
        _ => "1 (no activation)",
    };
}

/// <summary>
/// A <see cref="Sequential"/> of Linear and activation layers read as the course draws it: a stack of
/// logistic regressions z⁽ˡ⁾ = W⁽ˡ⁾ h⁽ˡ⁻¹⁾ + b⁽ˡ⁾, h⁽ˡ⁾ = act(z⁽ˡ⁾), h⁽⁰⁾ = x, with a sigmoid (one logit)
/// or softmax (C logits) output. Evaluated in double precision from the float32 weights, so that
/// central differences and the written-out chain rule are exact to ~1e-9. Dropout (evaluation mode)
/// and Flatten of a row are the identity and are skipped; anything else is an error.
/// </summary>
internal sealed class DenseStack
{
    public DenseStack(Sequential network)
    {
        var layers = new List<DenseLayer>();
        var items = Leaves(network, "").ToList();
        Link = null;
        for (int i = 0; i < items.Count; i++)
        {
            var (name, m) = items[i];
            switch (m)
            {
                case Linear lin:
                    if (layers.Count > 0 && layers[^1].Out != lin.InFeatures)
                        throw new ArgumentException($"explain: layer {name} takes {lin.InFeatures} inputs but the layer before gives {layers[^1].Out}");
                    layers.Add(new DenseLayer(name, lin, Activation.Linear, 0));
                    break;
                case Dropout or Nn.Flatten:
                    break;
                case Sigmoid or Tanh or ReLU or LeakyReLU or Softmax when layers.Count == 0:
                    throw new ArgumentException($"explain: layer {name} ({m.TypeName}) comes before any Linear layer");
                case Softmax when i == items.Count - 1:
                    Link = OutputLink.Softmax;
                    break;
                case Sigmoid when i == items.Count - 1 && layers[^1].Out == 1:
                    Link = OutputLink.Sigmoid;
                    break;
                case Sigmoid or Tanh or ReLU or LeakyReLU when i == items.Count - 1:
                    throw new ArgumentException($"explain: the output of the last layer ({name}, {m.TypeName}) is not a probability; the network must end in a Linear layer of logits (sigmoid for one output, softmax for several) or a Softmax");
                case Sigmoid or Tanh or ReLU or LeakyReLU when layers[^1].Act != Activation.Linear:
                    throw new ArgumentException($"explain: layer {name} ({m.TypeName}) follows another activation; expected Linear, activation, Linear, …");
                case Sigmoid: layers[^1] = layers[^1] with { Act = Activation.Sigmoid }; break;
                case Tanh: layers[^1] = layers[^1] with { Act = Activation.Tanh }; break;
                case ReLU: layers[^1] = layers[^1] with { Act = Activation.Relu }; break;
                case LeakyReLU lr: layers[^1] = layers[^1] with { Act = Activation.LeakyRelu, Slope = lr.Slope }; break;
                default:
                    throw new ArgumentException($"explain: layer {name} is a {m.TypeName}; explain and gradcheck take a Sequential of Linear and activation layers (Sigmoid, Tanh, ReLU, LeakyReLU)");
            }
        }
        if (layers.Count == 0) throw new ArgumentException("explain: the network has no Linear layer");
        if (layers[^1].Act != Activation.Linear)
            throw new ArgumentException($"explain: the output of the last layer ({layers[^1].Name}, then {layers[^1].Act}) is not a probability; the network must end in a Linear layer of logits (sigmoid for one output, softmax for several) or a Softmax");
        Layers = layers;
        int outputs = layers[^1].Out;
        Link ??= outputs == 1 ? OutputLink.Sigmoid : OutputLink.Softmax;
        if (Link == OutputLink.Softmax && outputs < 2)
            throw new ArgumentException("explain: a softmax over one output is always 1, not a probability of the label");
        Network = network;
    }

    public Sequential Network { get; }
    public IReadOnlyList<DenseLayer> Layers { get; }
    public OutputLink? Link { get; }
    public int Inputs => Layers[0].In;
    /// <summary>Number of classes the output describes: 2 for one sigmoid logit, else C.</summary>
    public int Classes => Link == OutputLink.Sigmoid ? 2 : Layers[^1].Out;

    // The leaves of nested Sequentials, with their dotted names.
    private static IEnumerable<(string, Module)> Leaves(Module m, string name)
    {
        if (m is Sequential s)
        {
            for (int i = 0; i < s.Count; i++)
                foreach (var x in Leaves(s[i], name.Length == 0 ? $"{i}" : $"{name}.{i}")) yield return x;
        }
        else yield return (name, m);
    }

    /// <summary>Every layer's pre-activation z⁽ˡ⁾ and activation h⁽ˡ⁾ (h⁽⁰⁾ = x; the last h is the logits), in double.</summary>
    public sealed record Pass(double[][] Z, double[][] H, double[] Probabilities, double LogLikelihood);

    /// <summary>The forward pass for one row x with true class <paramref name="label"/>; <paramref name="tweak"/> (parameter name, flat index, value) replaces one weight.</summary>
    public Pass Forward(ReadOnlySpan<float> x, int label, (string Name, int Index, double Value)? tweak = null)
    {
        if (x.Length != Inputs) throw new ArgumentException($"explain: the row has {x.Length} features; the network takes {Inputs}");
        if ((uint)label >= (uint)Classes) throw new ArgumentException($"explain: label {label} is not a class of this network's {Classes}");
        var H = new double[Layers.Count + 1][];
        var Z = new double[Layers.Count][];
        H[0] = new double[x.Length];
        for (int i = 0; i < x.Length; i++) H[0][i] = x[i];
        for (int l = 0; l < Layers.Count; l++)
        {
            var L = Layers[l];
            var W = L.Linear.Weight.Data.ToArray().Select(v => (double)v).ToArray();
            var b = L.Linear.Bias is { } bias ? bias.Data.ToArray().Select(v => (double)v).ToArray() : new double[L.Out];
            if (tweak is { } t && t.Name == L.Name + ".weight") W[t.Index] = t.Value;
            if (tweak is { } u && u.Name == L.Name + ".bias") b[u.Index] = u.Value;
            Z[l] = new double[L.Out];
            H[l + 1] = new double[L.Out];
            bool last = l == Layers.Count - 1;
            for (int j = 0; j < L.Out; j++)
            {
                double z = b[j];
                for (int i = 0; i < L.In; i++) z += W[j * L.In + i] * H[l][i];
                Z[l][j] = z;
                H[l + 1][j] = last ? z : L.Apply(z);   // the output layer's activation is the link, applied below
            }
        }
        var logits = Z[^1];
        double[] p;
        double ll;
        if (Link == OutputLink.Sigmoid)
        {
            double z = logits[0], p1 = 1 / (1 + Math.Exp(-z));
            p = [1 - p1, p1];
            // ln σ(z) = −ln(1 + e^−z), ln(1 − σ(z)) = ln σ(−z): stable for large |z|
            double s = label == 1 ? z : -z;
            ll = Math.Min(s, 0) - Math.Log(1 + Math.Exp(-Math.Abs(s)));
        }
        else
        {
            double m = logits.Max(), sum = logits.Sum(v => Math.Exp(v - m));
            p = logits.Select(v => Math.Exp(v - m) / sum).ToArray();
            ll = logits[label] - m - Math.Log(sum);               // ln softmax(z)_y
        }
        return new Pass(Z, H, p, ll);
    }

    /// <summary>LL = ln P(y | x) of rows through the float32 engine, ready for <c>Backward()</c>: the sum over rows.</summary>
    public Tensor EngineLogLikelihood(Tensor x, int[] labels)
    {
        var h = x;
        foreach (var L in Layers)
        {
            h = L.Linear.Forward(h);
            if (!ReferenceEquals(L, Layers[^1]) && Mlp.Layer(L.Act, L.Slope) is { } act) h = act.Forward(h);
        }
        return Link == OutputLink.Sigmoid
            ? -Loss.BinaryCrossEntropyWithLogits(h, Tensor.FromArray(labels.Select(l => (float)l).ToArray(), labels.Length, 1), Reduction.Sum)
            : -Loss.CrossEntropy(h, labels, Reduction.Sum);
    }

    /// <summary>The network's parameters with their names (as <see cref="Module.NamedParameters"/>).</summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters() =>
        Layers.SelectMany(L => L.Linear.Bias is { } b
            ? new[] { (L.Name + ".weight", L.Linear.Weight), (L.Name + ".bias", b) }
            : [(L.Name + ".weight", L.Linear.Weight)]);
}
