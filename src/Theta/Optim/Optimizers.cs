namespace Theta.Optim;

/// <summary>The optimizers the command line offers by name.</summary>
public enum OptimizerKind
{
    /// <summary>Plain gradient steps (ascent on the log-likelihood).</summary>
    Sgd,
    /// <summary>SGD with momentum 0.9.</summary>
    Momentum,
    /// <summary>Adam with its paper's defaults.</summary>
    Adam,
}

/// <summary>Makes the optimizers the command line names, with their defaults.</summary>
public static class Optimizers
{
    /// <summary>
    /// An optimizer of <paramref name="kind"/> over <paramref name="parameters"/>; null learning rate = 0.5 (SGD), 0.1 (momentum),
    /// 0.01 (Adam); <paramref name="l2"/> and <paramref name="l1"/> are the weight decays of <see cref="OptimizerOptions"/>.
    /// </summary>
    public static Optimizer Create(OptimizerKind kind, IEnumerable<Tensor> parameters, float? learningRate = null, float l2 = 0f, float l1 = 0f) => kind switch
    {
        OptimizerKind.Sgd => new Sgd(parameters, new SgdOptions(learningRate ?? 0.5f, l2, l1)),
        OptimizerKind.Momentum => new Momentum(parameters, new MomentumOptions(learningRate ?? 0.1f, WeightDecay: l2, L1Decay: l1)),
        _ => new Adam(parameters, new AdamOptions(learningRate ?? 0.01f, WeightDecay: l2, L1Decay: l1)),
    };
}
