using System.Numerics.Tensors;
using System.Text.Json.Nodes;
using Theta.Classic;
using Theta.Data;
using Theta.Io;
using Theta.Nn;
using Theta.Optim;
using Theta.Training;

namespace Theta.Tabular;

/// <summary>
/// A neural network classifier for tabular data: logistic regressions stacked in layers.
/// Hidden layers Linear → activation; the output is one sigmoid unit for two classes (trained on
/// the Bernoulli log-likelihood) or a softmax over the classes (the multinomial log-likelihood).
/// Started from seeded random weights and trained by maximum likelihood with mini-batches.
/// </summary>
public sealed class NetworkClassifier(Sequential network, Activation activation, int[] hidden, IReadOnlyList<string> classes, IReadOnlyList<string> featureNames)
    : IClassifier
{
    public string Kind => "mlp";
    public IReadOnlyList<string> Classes { get; } = classes;
    public IReadOnlyList<string> FeatureNames { get; } = featureNames;
    /// <summary>The layers: Linear, activation, …, Linear (logits).</summary>
    public Sequential Network { get; } = network;
    public Activation Activation { get; } = activation;
    public int[] Hidden { get; } = hidden;

    /// <summary>Builds the layers with weights drawn from <paramref name="rng"/>: d → hidden… → 1 (two classes) or C (<see cref="Mlp.Create"/>).</summary>
    public static Sequential Build(int d, int[] hidden, Activation activation, int classes, Rng rng)
        => Mlp.Create(d, hidden, [activation], 0, classes == 2 ? 1 : classes, rng);

    /// <summary>Trains a new network on <paramref name="train"/>; <paramref name="progress"/> hears after each epoch (the loss is the negative mean log-likelihood).</summary>
    /// <param name="parallel">Data-parallel over several ranks (the <see cref="Trainer.Parallel"/> of its trainer): every rank calls Fit with
    /// the same data and options, computes its shard of each batch, and ends with the same network as one process would.</param>
    public static NetworkClassifier Fit(Dataset train, NetworkOptions o, Action<TrainerProgress>? progress = null, DataParallel? parallel = null)
    {
        if (train.ClassCount < 2) throw new ArgumentException($"NetworkClassifier: {train.Source} has one class; two or more are needed");
        if (o.Epochs < 1) throw new ArgumentOutOfRangeException(nameof(o), o.Epochs, "NetworkClassifier: epochs must be at least 1");
        if (o.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(o), o.BatchSize, "NetworkClassifier: the batch size must be at least 1");
        var rng = new Rng(o.Seed);
        int n = train.Rows, C = train.ClassCount;
        var net = Build(train.FeatureCount, o.HiddenLayers, o.Activation, C, rng);
        var options = new TrainerOptions(o.Epochs, Math.Min(o.BatchSize, n), ProgressEvery: int.MaxValue, // progress after each epoch's last batch
            Loss: C == 2 ? TrainingLoss.Bernoulli : TrainingLoss.CrossEntropy, L2: o.L2);
        var trainer = new Trainer(net, Optimizers.Create(o.Optimizer, net.Parameters(), o.LearningRate), options) { Parallel = parallel };
        var order = Enumerable.Range(0, n).ToArray();
        for (int epoch = 1; epoch <= o.Epochs; epoch++)
        {
            rng.Shuffle<int>(order); // NOTE: the weights' generator, each epoch reshuffling the last order (the trainer's Fit draws a fresh permutation from its own)
            trainer.TrainEpoch(train.Features, train.Labels, order, progress);
        }
        net.Eval();
        return new NetworkClassifier(net, o.Activation, o.HiddenLayers, train.Classes, train.FeatureNames);
    }

    public Tensor PredictProba(Tensor x)
    {
        Classifier.CheckFeatures(this, x);
        using var _ = Autograd.NoGrad();
        Network.Eval();
        var logits = Network.Forward(x);
        if (Classes.Count > 2) return logits.Softmax();
        int n = x.Shape[0];
        var p = new float[n * 2];
        var p1 = new float[n];
        TensorPrimitives.Sigmoid(logits.Data, p1);
        for (int r = 0; r < n; r++) { p[2 * r] = 1 - p1[r]; p[2 * r + 1] = p1[r]; }
        return Tensor.FromArray(p, n, 2);
    }

    /// <summary>The architecture for the model file: hidden sizes and activation, and the layers as a network file describes them (<see cref="NetworkArchitecture"/>).</summary>
    internal JsonObject Architecture() => new()
    {
        ["hidden"] = new JsonArray(Hidden.Select(h => (JsonNode)h).ToArray()),
        ["activation"] = Activation.ToString().ToLowerInvariant(),
        ["model"] = NetworkArchitecture.ToJson(Network),
    };
}
