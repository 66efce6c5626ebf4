using Theta.Nn;

namespace Theta.Explain;

/// <summary>One layer's output for one input: the layer's index in the Sequential, its type, and y_L [1, …].</summary>
public sealed record LayerActivation(int Index, string Layer, Tensor Output);

/// <summary>
/// What a network computes on the way to its answer: y_0 = x, y_L = f_L(y_{L−1}) for every layer L of a
/// <see cref="Sequential"/>, kept so each can be drawn (an image for [1, C, H, W], a bar of units for [1, F]).
/// </summary>
public static class Activations
{
    /// <summary>
    /// Runs <paramref name="network"/> on <paramref name="x"/> (a batch [B, …], usually B = 1) in evaluation mode
    /// under NoGrad and returns every layer's output in order. The model's mode is restored afterwards.
    /// </summary>
    public static IReadOnlyList<LayerActivation> Run(Sequential network, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(x);
        using var _ = network.EvalScope();
        var result = new List<LayerActivation>(network.Count);
        for (int i = 0; i < network.Count; i++)
        {
            x = network[i].Forward(x);
            result.Add(new LayerActivation(i, network[i].TypeName, x));
        }
        return result;
    }
}
