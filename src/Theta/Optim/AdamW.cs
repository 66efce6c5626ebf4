using System.Numerics.Tensors;

namespace Theta.Optim;

/// <summary>
/// AdamW (Loshchilov and Hutter 2019): Adam with decoupled weight decay. First
/// θ ← θ·(1 − η·λ), then the <see cref="Adam"/> step on g (which does not contain λ·θ), so the
/// decay is not rescaled by 1/√v̂. State: <c>"{i}.m"</c>, <c>"{i}.v"</c>.
/// </summary>
public sealed class AdamW(IEnumerable<Tensor> parameters, AdamWOptions? options = null)
    : Optimizer<AdamWOptions>(parameters, options ?? new AdamWOptions(), ["m", "v"], coupledWeightDecay: false)
{
    protected override void Update(Piece p)
    {
        float lambda = Options.WeightDecay;
        if (lambda != 0f) TensorPrimitives.Multiply(p.Theta, 1f - LearningRate * lambda, p.Theta); // θ ← θ·(1 − ηλ)
        Adam.AdamStep(p.Theta, p.G, p.State(0), p.State(1), LearningRate, Options.Beta1, Options.Beta2, Options.Epsilon, StepCount, p.Temp);
    }
}
