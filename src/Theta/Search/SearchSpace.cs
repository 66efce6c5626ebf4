using Theta.Nn;
using Theta.Optim;
using Theta.Training;

namespace Theta.Search;

/// <summary>
/// Where random search draws networks from. Every range is inclusive; "log-uniform" means
/// ln v ~ U(ln min, ln max), so each decade is equally likely. Defaults are issue 8's space.
/// </summary>
/// <param name="MaxHidden">Hidden layers drawn uniformly from 0 … MaxHidden (default 3; 0 is logistic/softmax regression).</param>
/// <param name="MinUnits">Fewest units in a hidden layer (default 5); units are log-uniform integers in [MinUnits, MaxUnits].</param>
/// <param name="MaxUnits">Most units in a hidden layer (default 200).</param>
/// <param name="Activations">The hidden activations, drawn uniformly (default ReLU, tanh, sigmoid).</param>
/// <param name="DropoutChance">Probability that a network uses dropout at all (default 0.5); its p is then U(0, MaxDropout), the same after every hidden layer.</param>
/// <param name="MaxDropout">Largest dropout probability (default 0.5).</param>
/// <param name="Optimizers">The optimizers, drawn uniformly (default momentum, Adam, Adagrad, Adadelta).</param>
/// <param name="MinL2">L2 λ is log-uniform in [MinL2, MaxL2] (default 1e-6 … 1e-1), as coupled weight decay g ← g + λθ.</param>
/// <param name="MaxL2">See <paramref name="MinL2"/>.</param>
/// <param name="BatchSizes">Mini-batch sizes, drawn uniformly (default 16, 32, 64, 128, 256; capped at the rows a fold trains on).</param>
public sealed record SearchSpace(
    int MaxHidden = 3, int MinUnits = 5, int MaxUnits = 200, IReadOnlyList<Activation>? Activations = null, double DropoutChance = 0.5,
    double MaxDropout = 0.5, IReadOnlyList<OptimizerKind>? Optimizers = null, double MinL2 = 1e-6, double MaxL2 = 1e-1, IReadOnlyList<int>? BatchSizes = null)
{
    public int MaxHidden { get; init; } = MaxHidden is >= 0 and <= 8 ? MaxHidden : throw Bad(nameof(MaxHidden), MaxHidden, "between 0 and 8");
    public int MinUnits { get; init; } = MinUnits >= 1 ? MinUnits : throw Bad(nameof(MinUnits), MinUnits, "at least 1");
    public int MaxUnits { get; init; } = MaxUnits >= Math.Max(1, MinUnits) ? MaxUnits : throw Bad(nameof(MaxUnits), MaxUnits, $"at least MinUnits ({MinUnits})");
    public double MaxDropout { get; init; } = MaxDropout is >= 0 and < 1 ? MaxDropout : throw Bad(nameof(MaxDropout), MaxDropout, "in [0, 1)");
    public double MinL2 { get; init; } = MinL2 > 0 ? MinL2 : throw Bad(nameof(MinL2), MinL2, "positive");
    public double MaxL2 { get; init; } = MaxL2 >= MinL2 ? MaxL2 : throw Bad(nameof(MaxL2), MaxL2, $"at least MinL2 ({MinL2})");

    /// <summary>The activations to draw from.</summary>
    public IReadOnlyList<Activation> ActivationList => Activations is { Count: > 0 } a ? a : [Activation.Relu, Activation.Tanh, Activation.Sigmoid];
    /// <summary>The optimizers to draw from.</summary>
    public IReadOnlyList<OptimizerKind> OptimizerList => Optimizers is { Count: > 0 } o ? o : [OptimizerKind.Momentum, OptimizerKind.Adam, OptimizerKind.Adagrad, OptimizerKind.Adadelta];
    /// <summary>The batch sizes to draw from.</summary>
    public IReadOnlyList<int> BatchSizeList => BatchSizes is { Count: > 0 } b ? b : [16, 32, 64, 128, 256];

    /// <summary>
    /// The learning-rate range (log-uniform) of each optimizer, around its usual default:
    /// momentum (and plain SGD) 1e-3 … 0.3, Adam 1e-4 … 3e-2, Adagrad 1e-3 … 0.5, Adadelta 0.03 … 3.
    /// </summary>
    public static (double Min, double Max) LearningRates(OptimizerKind o) => o switch
    {
        OptimizerKind.Momentum or OptimizerKind.Sgd => (1e-3, 0.3),
        OptimizerKind.Adam => (1e-4, 3e-2),
        OptimizerKind.Adagrad => (1e-3, 0.5),
        _ => (0.03, 3.0),
    };

    /// <summary>Draws one network and its training settings from <paramref name="rng"/> (a fixed number of draws per layer, so a stream of configs is a pure function of the seed).</summary>
    public CandidateConfig Sample(Rng rng)
    {
        int layers = rng.NextInt(MaxHidden + 1);
        var hidden = new int[layers];
        for (int i = 0; i < layers; i++)
            hidden[i] = (int)Math.Round(LogUniform(rng, MinUnits, MaxUnits));
        var activation = ActivationList[rng.NextInt(ActivationList.Count)];
        double dropout = rng.NextDouble() < DropoutChance ? rng.NextDouble() * MaxDropout : 0;
        var optimizer = OptimizerList[rng.NextInt(OptimizerList.Count)];
        var (lo, hi) = LearningRates(optimizer);
        double lr = LogUniform(rng, lo, hi);
        double l2 = LogUniform(rng, MinL2, MaxL2);
        int batch = BatchSizeList[rng.NextInt(BatchSizeList.Count)];
        return new CandidateConfig(hidden, activation, layers == 0 ? 0f : (float)dropout, optimizer, (float)lr, (float)l2, batch);
    }

    private static double LogUniform(Rng rng, double min, double max) => Math.Exp(Math.Log(min) + rng.NextDouble() * (Math.Log(max) - Math.Log(min)));

    private static ArgumentException Bad(string field, object value, string what) => Check.Bad(nameof(SearchSpace), field, value, what);
}

/// <summary>One point of the search space: a network shape and how to train it.</summary>
/// <param name="Hidden">Units per hidden layer (empty: no hidden layer, i.e. logistic/softmax/linear regression).</param>
/// <param name="Activation">The hidden activation.</param>
/// <param name="Dropout">Dropout probability after every hidden activation (0 = none).</param>
/// <param name="Optimizer">The optimizer.</param>
/// <param name="LearningRate">Its step size η.</param>
/// <param name="L2">Coupled weight decay λ (g ← g + λθ).</param>
/// <param name="BatchSize">Examples per mini-batch (capped at the training rows when trained).</param>
public sealed record CandidateConfig(int[] Hidden, Activation Activation, float Dropout, OptimizerKind Optimizer, float LearningRate, float L2, int BatchSize)
{
    /// <summary>Layers as text: <c>24-relu-7-relu (dropout 0.21)</c>, or <c>linear</c> without hidden layers.</summary>
    public string Shape => Hidden.Length == 0 ? "no hidden layer"
        : string.Join(" ", Hidden.Select(h => $"{h}")) + $" {Activation.ToString().ToLowerInvariant()}" + (Dropout > 0 ? $" drop {Dropout:0.00}" : "");

    /// <summary>Training settings as text: <c>adam η=3.1e-3 λ=2.0e-5 B=64</c>.</summary>
    public string Training => FormattableString.Invariant($"{Optimizer.ToString().ToLowerInvariant()} η={LearningRate:0.0e0} λ={L2:0.0e0} B={BatchSize}");

    public override string ToString() => $"{Shape}; {Training}";

    /// <summary>The layers, weights drawn from <paramref name="rng"/>: d → hidden… → outputs (logits, or the prediction for regression).</summary>
    public Sequential Build(int d, int outputs, Rng rng) => Mlp.Create(d, Hidden, [Activation], Dropout, outputs, rng);

    /// <summary>The optimizer over <paramref name="parameters"/>, with the L2 as coupled weight decay.</summary>
    public Optimizer CreateOptimizer(IEnumerable<Tensor> parameters) => Optimizers.Create(Optimizer, parameters, LearningRate, L2);

    /// <summary>Multiply-adds of one forward pass of one example.</summary>
    public long MultiplyAdds(int d, int outputs)
    {
        long m = 0;
        int width = d;
        foreach (int h in Hidden) { m += (long)width * h; width = h; }
        return m + (long)width * outputs;
    }

    /// <summary>Units whose activations are computed per example: every hidden unit and the outputs.</summary>
    public int Units(int outputs) => Hidden.Sum() + outputs;

    /// <summary>Modules in the network (Linear, activation, dropout): the per-step overhead scales with them.</summary>
    public int LayerCount => 1 + Hidden.Length * (Dropout > 0 ? 3 : 2);
}
