using System.Numerics.Tensors;

namespace Theta.Optim;

/// <summary>
/// Nesterov momentum, as PyTorch writes it: b ← μ·b + g (b₀ = 0), θ ← θ − η·(g + μ·b):
/// the step looks ahead along the velocity. State: <c>"{i}.velocity"</c>.
/// </summary>
public sealed class Nesterov(IEnumerable<Tensor> parameters, NesterovOptions? options = null)
    : Optimizer<NesterovOptions>(parameters, options ?? new NesterovOptions(), ["velocity"])
{
    protected override void Update(Piece p)
    {
        Span<float> b = p.State(0), look = p.Temp;
        float mu = Options.Momentum;
        TensorPrimitives.MultiplyAdd(b, mu, p.G, b);                         // b ← μ·b + g
        TensorPrimitives.MultiplyAdd(b, mu, p.G, look);                      // g + μ·b
        TensorPrimitives.MultiplyAdd(look, -LearningRate, p.Theta, p.Theta); // θ ← θ − η·(g + μ·b)
    }
}
