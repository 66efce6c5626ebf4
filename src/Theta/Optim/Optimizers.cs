namespace Theta.Optim;

/// <summary>The optimizers by name: the command line's, the search's and the playground's (spelt in lower case there).</summary>
public enum OptimizerKind
{
    /// <summary>Plain gradient steps (ascent on the log-likelihood).</summary>
    Sgd,
    /// <summary>SGD with heavy-ball momentum μ = 0.9.</summary>
    Momentum,
    /// <summary>Adam, β = (0.9, 0.999).</summary>
    Adam,
    /// <summary>Adagrad.</summary>
    Adagrad,
    /// <summary>Adadelta, ρ = 0.9.</summary>
    Adadelta,
}

/// <summary>The one optimizer factory: every optimizer named by an <see cref="OptimizerKind"/>, with its other settings at their defaults.</summary>
public static class Optimizers
{
    /// <summary>
    /// An optimizer of <paramref name="kind"/> over <paramref name="parameters"/>; null learning rate = 0.5 (SGD), 0.1 (momentum),
    /// 0.01 (Adam, Adagrad), 1 (Adadelta); <paramref name="l2"/> and <paramref name="l1"/> are the weight decays of <see cref="OptimizerOptions"/>.
    /// </summary>
    public static Optimizer Create(OptimizerKind kind, IEnumerable<Tensor> parameters, float? learningRate = null, float l2 = 0f, float l1 = 0f) => kind switch
    {
        OptimizerKind.Sgd => new Sgd(parameters, new SgdOptions(learningRate ?? 0.5f, l2, l1)),
        OptimizerKind.Momentum => new Momentum(parameters, new MomentumOptions(learningRate ?? 0.1f, WeightDecay: l2, L1Decay: l1)),
        OptimizerKind.Adam => new Adam(parameters, new AdamOptions(learningRate ?? 0.01f, WeightDecay: l2, L1Decay: l1)),
        OptimizerKind.Adagrad => new Adagrad(parameters, new AdagradOptions(learningRate ?? 0.01f, WeightDecay: l2, L1Decay: l1)),
        OptimizerKind.Adadelta => new Adadelta(parameters, new AdadeltaOptions(learningRate ?? 1f, WeightDecay: l2, L1Decay: l1)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Optimizers: not an optimizer"),
    };
}
