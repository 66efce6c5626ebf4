using Theta.Optim;
using Theta.Nn;

namespace Theta.Tabular;

/// <summary>
/// A small fully-connected network for tabular data: stacked logistic regressions.
/// </summary>
/// <param name="Hidden">Units per hidden layer (default one layer of 20).</param>
/// <param name="Activation">Hidden activation (default sigmoid, as in the lecture).</param>
/// <param name="LearningRate">Step size; null = the optimizer's default (0.5 for SGD, 0.1 for momentum, 0.01 for Adam).</param>
/// <param name="Epochs">Passes over the training data (default 100).</param>
/// <param name="BatchSize">Mini-batch size (default 32).</param>
/// <param name="L2">λ of the (λ/2)‖W‖² penalty on the weights (default 0).</param>
/// <param name="Optimizer">Default Adam.</param>
/// <param name="Seed">Seeds the initial weights and the shuffles.</param>
public sealed record NetworkOptions(
    int[]? Hidden = null,
    Activation Activation = Activation.Sigmoid,
    float? LearningRate = null,
    int Epochs = 100,
    int BatchSize = 32,
    float L2 = 0f,
    OptimizerKind Optimizer = OptimizerKind.Adam,
    ulong Seed = 1)
{
    public int[] HiddenLayers => Hidden ?? [20];
}
