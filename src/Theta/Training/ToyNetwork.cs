using Theta.Data;
using Theta.Io;
using Theta.Nn;
using Theta.Optim;

namespace Theta.Training;

/// <summary>
/// The loss a classifying <see cref="ToyNetwork"/> minimises: the negative log-likelihood (Bernoulli on one logit
/// for two classes, softmax for three), or the squared error of σ(z) against the 0/1 label. A regression network
/// always has a linear output and the squared error.
/// </summary>
public enum ToyLoss { LogLikelihood, SquaredError }

/// <summary>
/// Everything that shapes a playground network and its training. <paramref name="Activations"/> has one entry per
/// hidden layer (a shorter list repeats its last entry); <paramref name="Seed"/> seeds the initial weights, the
/// epochs' shuffles and dropout.
/// </summary>
public sealed record ToyNetworkOptions(
    Feature2D Features, int[] Hidden, Activation[] Activations, float Dropout, ToyLoss Loss,
    OptimizerKind Optimizer, float LearningRate, float L1, float L2, int BatchSize, ulong Seed)
{
    /// <summary>The activation of hidden layer <paramref name="layer"/>.</summary>
    public Activation ActivationOf(int layer) => Activations.Length == 0 ? Activation.Tanh : Activations[Math.Min(layer, Activations.Length - 1)];
}

/// <summary>
/// The 2-D playground's model, apart from any page: a small fully connected network over the selected features
/// of (x₁, x₂) with one of three heads. Two classes: one logit, P(class 1) = σ(z). Three classes: one logit per
/// class, softmax. Regression (<see cref="Toy2D.IsRegression"/>): one linear output, the predicted value, trained
/// on the squared error. It trains by mini-batch epochs, evaluates a set of points, predicts on any batch of
/// feature rows (the heatmaps), and saves itself as a network file that <c>theta summary</c> and <c>theta explain</c> read.
/// </summary>
public sealed class ToyNetwork
{
    private readonly int[] _hiddenOutputs; // indices in Network whose outputs are the hidden units (after activation)
    private readonly Rng _rng;
    private Optimizer _optimizer;
    private Trainer? _trainer;     // made at the first epoch, and again when the optimizer or the training set's size changes
    private int _trainerRows;

    /// <param name="options">The architecture and training settings.</param>
    /// <param name="classes">2 or 3 classes, or 1 for regression (one real-valued output).</param>
    public ToyNetwork(ToyNetworkOptions options, int classes)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (classes is < 1 or > 3) throw new ArgumentOutOfRangeException(nameof(classes), classes, "ToyNetwork: 1 (regression), 2 or 3 classes");
        if (options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "ToyNetwork: the batch size must be at least 1");
        int inputs = Toy2D.FeatureCount(options.Features);
        if (inputs == 0) throw new ArgumentException("ToyNetwork: select at least one feature", nameof(options));
        Options = options;
        Classes = classes;
        _rng = new Rng(options.Seed * 7919 + 13);
        Network = Mlp.Create(inputs, options.Hidden, [.. Enumerable.Range(0, options.Hidden.Length).Select(options.ActivationOf)], options.Dropout, Outputs, _rng);
        Linears = [.. Network.Layers.OfType<Linear>()];
        _hiddenOutputs = Mlp.HiddenOutputs(Network);
        _optimizer = MakeOptimizer();
    }

    /// <summary>The settings it was built with (the training ones replaced by <see cref="Retune"/>).</summary>
    public ToyNetworkOptions Options { get; private set; }

    /// <summary>1 (regression), 2 or 3.</summary>
    public int Classes { get; }

    /// <summary>Whether this network predicts a real value (squared error, linear output).</summary>
    public bool IsRegression => Classes == 1;

    /// <summary>Output units: one for regression and for two classes, three for three classes.</summary>
    public int Outputs => Classes == 3 ? 3 : 1;

    /// <summary>The layers: Linear, activation (and dropout) per hidden layer, then the output Linear.</summary>
    public Sequential Network { get; }

    /// <summary>The weighted layers in order, the output layer last (for reading and editing single weights).</summary>
    public IReadOnlyList<Linear> Linears { get; }

    /// <summary>Epochs trained so far.</summary>
    public long Epoch { get; private set; }

    /// <summary>Takes new training settings (optimizer, step size, regularisation, batch size) without touching the weights; the optimizer starts afresh.</summary>
    public void Retune(ToyNetworkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Features != Options.Features || !options.Hidden.SequenceEqual(Options.Hidden) || options.Dropout != Options.Dropout
            || options.Loss != Options.Loss || !Enumerable.Range(0, Options.Hidden.Length).All(i => options.ActivationOf(i) == Options.ActivationOf(i)))
            throw new ArgumentException("ToyNetwork.Retune: the architecture or loss changed; build a new network", nameof(options));
        if (options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "ToyNetwork: the batch size must be at least 1");
        Options = options;
        _optimizer = MakeOptimizer();
        _trainer = null;
    }

    private Optimizer MakeOptimizer() => Optimizers.Create(Options.Optimizer, Network.Parameters(), Options.LearningRate, Options.L2, Options.L1);

    /// <summary>One pass over <paramref name="train"/> in shuffled mini-batches (nothing when it is empty).</summary>
    public void TrainEpoch(ReadOnlySpan<Point2D> train)
    {
        if (train.Length == 0) return;
        var order = _rng.Permutation(train.Length);
        var points = train.ToArray();
        if (_trainer is null || _trainerRows != points.Length)
        {
            var options = new TrainerOptions(BatchSize: Math.Min(Options.BatchSize, points.Length), Loss: Loss);
            (_trainer, _trainerRows) = (new Trainer(Network, _optimizer, options), points.Length);
        }
        _trainer.TrainEpoch(Inputs(points), TargetsOf(points), order);
        Network.Eval();
        Epoch++;
    }

    /// <summary>What training minimises: the cross-entropy (three classes), the squared error (regression), or for two classes the chosen <see cref="ToyLoss"/>.</summary>
    public TrainingLoss Loss => Classes == 3 ? TrainingLoss.CrossEntropy : IsRegression ? TrainingLoss.SquaredError
        : Options.Loss == ToyLoss.SquaredError ? TrainingLoss.ProbabilitySquaredError : TrainingLoss.Bernoulli;

    private Tensor Inputs(Point2D[] points) => Tensor.FromArray(Toy2D.FeatureMatrix(points, Options.Features), points.Length, Toy2D.FeatureCount(Options.Features));

    private Targets TargetsOf(Point2D[] points) => IsRegression
        ? new Targets(Tensor.FromArray(points.Select(p => p.Target).ToArray(), points.Length, 1))
        : new Targets(points.Select(p => p.Label).ToArray());

    /// <summary>
    /// The mean loss on <paramref name="points"/> (for regression, the mean squared error) and the share classified
    /// right (the class of largest probability; 0 for regression). Both are 0 for no points.
    /// </summary>
    public (float Loss, float Accuracy) Evaluate(Point2D[] points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Length == 0) return (0, 0);
        var (loss, accuracy) = Trainer.Evaluate(Network, Inputs(points), TargetsOf(points), points.Length, new TrainerOptions(Loss: Loss));
        Network.Eval();
        return ((float)loss, (float)accuracy);
    }

    /// <summary>
    /// The prediction for each feature row of <paramref name="features"/> [n, F], row-major [n, Outputs]: P(class 1)
    /// for two classes, the three class probabilities for three, the predicted value for regression.
    /// </summary>
    public float[] Predict(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        using var _ = Autograd.NoGrad();
        Network.Eval();
        var z = Network.Forward(features);
        return (Classes switch { 1 => z, 2 => z.Sigmoid(), _ => z.Softmax(1) }).ToArray();
    }

    /// <summary>Every hidden layer's activations [n, units] (after its activation function) for the feature rows <paramref name="features"/> [n, F].</summary>
    public IReadOnlyList<Tensor> HiddenActivations(Tensor features)
    {
        var layers = Explain.Activations.Run(Network, features);
        return [.. _hiddenOutputs.Select(i => layers[i].Output)];
    }

    /// <summary>The feature names in the network's input order (x1, x2, x1^2, x2^2, x1*x2, sin x1, sin x2).</summary>
    public string[] FeatureNames => [.. FeatureNamesAll.Where((_, i) => Options.Features.HasFlag((Feature2D)(1 << i)))];

    private static readonly string[] FeatureNamesAll = ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin x1", "sin x2"];

    /// <summary>
    /// Saves the network as a network file (atomically, <see cref="NetworkFile"/>): the input shape [F], the classes
    /// for three, and in its extra fields the features and what the output means. Reads it back to check it.
    /// </summary>
    public void Save(string path, string dataset)
    {
        int f = Toy2D.FeatureCount(Options.Features);
        var extra = new Dictionary<string, string>
        {
            ["features"] = string.Join(",", FeatureNames),
            ["output"] = Classes switch { 1 => "the predicted value (regression, squared error)", 2 => "the logit of P(class 1)", _ => "one logit per class (softmax)" },
            ["epoch"] = Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var meta = new NetworkMetadata([f], Classes == 3 ? ["0", "1", "2"] : null, dataset, extra);
        NetworkFile.Save(Network, path, meta);
        NetworkFile.Read(path, [f]); // the file as a reader sees it: a failure here is a writer's bug, reported, never a silent bad file
    }
}
