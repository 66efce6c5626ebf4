using Theta.Nn;
using B = Theta.Io.OnnxGraphBuilder;

namespace Theta.Io;

/// <summary>
/// A <see cref="Sequential"/> of Theta's layers as a chain of ONNX nodes (the table in docs/model-file.md):
/// Linear → Gemm (transB = 1) on [N, in], or MatMul by Wᵀ then Add b on higher ranks; Conv2d → Conv;
/// MaxPool2d → MaxPool; Flatten → Flatten (axis 1) or Reshape; ReLU, LeakyReLU, Sigmoid, Tanh, Softmax,
/// LogSoftmax → the op of that name; Dropout → Dropout (its ratio kept; the identity at inference); a nested
/// Sequential → its layers inline.
/// </summary>
internal static class OnnxLayers
{
    /// <summary>
    /// Appends the nodes of <paramref name="net"/> applied to <paramref name="x"/> (one example of shape
    /// <paramref name="example"/>, no batch axis); returns the output's name. Values are named <paramref name="prefix"/> + the layer path.
    /// </summary>
    public static string Emit(B g, Sequential net, string x, int[] example, string prefix = "")
    {
        // Each layer's input shape, from a forward pass of one zero example (shapes only; cheap for the networks Theta trains).
        var shape = new Shape([1, .. example]);
        using var _ = Autograd.NoGrad();
        net.Eval();
        var h = Tensor.Zeros(shape.Dims);
        for (int i = 0; i < net.Count; i++)
        {
            x = Layer(g, net[i], x, h.Shape, $"{prefix}{i}");
            h = net[i].Forward(h);
        }
        return x;
    }

    private static string Layer(B g, Module layer, string x, Shape input, string name)
    {
        int rank = input.Rank;
        switch (layer)
        {
            case Sequential inner:   // nested: its layers inline (an import gives them back flat)
                return Emit(g, inner, x, input.Dims[1..].ToArray(), $"{name}.");
            case Linear l when rank == 2:
                {
                    var w = g.Floats($"{name}.weight", l.Weight.Data, l.OutFeatures, l.InFeatures);
                    string[] inputs = l.Bias is { } b ? [x, w, g.Floats($"{name}.bias", b.Data, l.OutFeatures)] : [x, w];
                    return g.Node("Gemm", name, inputs, B.Int("transB", 1));
                }
            case Linear l:
                {
                    var wt = new float[l.InFeatures * l.OutFeatures];
                    var w = l.Weight.Data;
                    for (int o = 0; o < l.OutFeatures; o++)
                        for (int i = 0; i < l.InFeatures; i++) wt[i * l.OutFeatures + o] = w[o * l.InFeatures + i];
                    var y = g.Node("MatMul", name, [x, g.Floats($"{name}.weight_t", wt, l.InFeatures, l.OutFeatures)]);
                    return l.Bias is { } b ? g.Node("Add", $"{name}.add", [y, g.Floats($"{name}.bias", b.Data, l.OutFeatures)]) : y;
                }
            case Conv2d c:
                {
                    var w = g.Floats($"{name}.weight", c.Weight.Data, c.OutChannels, c.InChannels, c.Kernel, c.Kernel);
                    string[] inputs = c.Bias is { } b ? [x, w, g.Floats($"{name}.bias", b.Data, c.OutChannels)] : [x, w];
                    return g.Node("Conv", name, inputs, B.Ints("kernel_shape", c.Kernel, c.Kernel), B.Ints("strides", c.Stride, c.Stride),
                        B.Ints("pads", c.Padding, c.Padding, c.Padding, c.Padding), B.Ints("dilations", 1, 1), B.Int("group", 1));
                }
            case MaxPool2d p:
                return g.Node("MaxPool", name, [x], B.Ints("kernel_shape", p.Kernel, p.Kernel), B.Ints("strides", p.Stride, p.Stride),
                    B.Ints("pads", p.Padding, p.Padding, p.Padding, p.Padding));
            case Flatten f:
                {
                    int start = f.StartDim < 0 ? f.StartDim + rank : f.StartDim, end = f.EndDim < 0 ? f.EndDim + rank : f.EndDim;
                    if (start == 1 && end == rank - 1) return g.Node("Flatten", name, [x], B.Int("axis", 1));
                    // Any other range: Reshape to the static sizes, the batch axis copied (0) or, when merged, inferred (−1).
                    var dims = new List<long>();
                    for (int a = 0; a < rank; a++)
                    {
                        if (a > start && a <= end) { dims[^1] *= input[a]; continue; }
                        dims.Add(a == 0 ? 0 : input[a]);
                    }
                    if (start == 0) dims[0] = -1;
                    return g.Node("Reshape", name, [x, g.Longs($"{name}.shape", dims.ToArray(), dims.Count)]);
                }
            case Dropout d:
                return g.Node("Dropout", name, [x, g.Floats($"{name}.ratio", [d.P])]);
            case ReLU: return g.Node("Relu", name, [x]);
            case Sigmoid: return g.Node("Sigmoid", name, [x]);
            case Tanh: return g.Node("Tanh", name, [x]);
            case LeakyReLU r: return g.Node("LeakyRelu", name, [x], B.Float("alpha", r.Slope));
            case Softmax s: return g.Node("Softmax", name, [x], B.Int("axis", input.NormalizeAxis(s.Axis, "Softmax")));
            case LogSoftmax s: return g.Node("LogSoftmax", name, [x], B.Int("axis", input.NormalizeAxis(s.Axis, "LogSoftmax")));
            default:
                throw new NotSupportedException($"ONNX export: layer {name} is a {layer.TypeName}, which has no ONNX mapping in this Theta");
        }
    }
}
