using System.Numerics.Tensors;

namespace Theta.Optim;

/// <summary>Options for <see cref="Sgd"/>. Defaults: η = 0.01, no decay.</summary>
public sealed record SgdOptions(float LearningRate = 0.01f, float WeightDecay = 0f, float L1Decay = 0f)
    : OptimizerOptions(LearningRate, WeightDecay, L1Decay);

/// <summary>
/// Plain gradient descent: θ ← θ − η·g. On a loss that is the negative log-likelihood this is
/// gradient ascent on the log-likelihood ℓ: θ ← θ + η·∇ℓ.
/// </summary>
public sealed class Sgd(IEnumerable<Tensor> parameters, SgdOptions? options = null)
    : Optimizer(parameters, options ?? new SgdOptions())
{
    protected override void Update(Piece p)
        => TensorPrimitives.MultiplyAdd(p.G, -LearningRate, p.Theta, p.Theta);
}
