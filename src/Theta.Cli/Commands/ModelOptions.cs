using Theta.Classic;
using Theta.Optim;

namespace Theta.Cli.Commands;

/// <summary>The options that choose and tune a model (train, compare).</summary>
internal sealed class ModelOptions
{
    public readonly Option<string> Model = new("--model")
    {
        Description = "naive-bayes, logistic or mlp.",
        DefaultValueFactory = _ => "logistic",
    };
    public readonly Option<string> Nb = new("--nb") { Description = "Naive Bayes variant: auto (Bernoulli for 0/1 features, else Gaussian), bernoulli or gaussian.", DefaultValueFactory = _ => "auto" };
    public readonly Option<bool> Mle = new("--mle") { Description = "Bernoulli naive Bayes with maximum-likelihood estimates instead of Laplace (add-one) smoothing." };
    public readonly Option<bool> Standardize = new("--standardize") { Description = "Standardise features with the training data's mean and deviation (stored with the model)." };
    public readonly Option<float> StepSize = new("--step-size", "--lr") { Description = "Gradient-ascent step size η (learning rate).", DefaultValueFactory = _ => 0.5f };
    public readonly Option<int?> Steps = new("--steps", "--epochs") { Description = "Full-batch steps (logistic, default 5000) or epochs (mini-batches, mlp; default 100)." };
    public readonly Option<int> Batch = new("--batch") { Description = "Mini-batch size; 0 = full batch (logistic) or 32 (mlp).", DefaultValueFactory = _ => 0 };
    public readonly Option<float> L2 = new("--l2") { Description = "L2 penalty λ: maximise LL − (λ/2)‖θ‖².", DefaultValueFactory = _ => 0f };
    public readonly Option<string> Hidden = new("--hidden") { Description = "Hidden layer sizes for mlp, e.g. 20,10.", DefaultValueFactory = _ => "20" };
    public readonly Option<string> Activation = new("--activation") { Description = "Hidden activation for mlp: sigmoid, tanh, relu.", DefaultValueFactory = _ => "sigmoid" };
    public readonly Option<string?> Optimizer = new("--optimizer") { Description = "sgd (plain gradient ascent), momentum or adam. Default: sgd for logistic, adam for mlp." };
    public readonly Option<ulong> Seed = new("--seed") { Description = "Seeds every random choice (initial weights, shuffles).", DefaultValueFactory = _ => 1UL };

    public void AddTo(Command c, bool withModel = true)
    {
        if (withModel) c.Add(Model);
        foreach (var o in new Option[] { Nb, Mle, Standardize, StepSize, Steps, Batch, L2, Hidden, Activation, Optimizer, Seed }) c.Add(o);
    }

    public ModelSpec Read(ParseResult p, string? kindOverride = null)
    {
        string kind = kindOverride ?? p.GetValue(Model)!;
        var modelKind = kind switch
        {
            "naive-bayes" or "nb" => ModelKind.NaiveBayes,
            "logistic" or "lr" => ModelKind.Logistic,
            "mlp" or "nn" => ModelKind.Mlp,
            _ => throw new ArgumentException($"--model: '{kind}' is not one of naive-bayes, logistic, mlp"),
        };
        var nb = p.GetValue(Nb) switch
        {
            "auto" => NaiveBayesVariant.Auto,
            "bernoulli" => NaiveBayesVariant.Bernoulli,
            "gaussian" => NaiveBayesVariant.Gaussian,
            var s => throw new ArgumentException($"--nb: '{s}' is not one of auto, bernoulli, gaussian"),
        };
        float step = p.GetValue(StepSize);
        if (!(step > 0)) throw new ArgumentException($"--step-size must be > 0, got {step}");
        int batch = p.GetValue(Batch);
        if (batch < 0) throw new ArgumentException($"--batch must be ≥ 0, got {batch}");
        float l2 = p.GetValue(L2);
        if (l2 < 0) throw new ArgumentException($"--l2 must be ≥ 0, got {l2}");
        int? steps = p.GetValue(Steps);
        if (steps is < 1) throw new ArgumentException($"--steps must be at least 1, got {steps}");
        ulong seed = p.GetValue(Seed);
        var hidden = p.GetValue(Hidden)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(h => int.TryParse(h, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= 1 ? v
                : throw new ArgumentException($"--hidden: '{h}' is not a positive layer size (expected e.g. 20,10)")).ToArray();
        var activation = OneOf(p.GetValue(Activation)!, "--activation", Theta.Nn.Activation.Sigmoid, Theta.Nn.Activation.Tanh, Theta.Nn.Activation.Relu);
        OptimizerKind? optimizer = p.GetValue(Optimizer) is { } o ? OneOf(o, "--optimizer", OptimizerKind.Sgd, OptimizerKind.Momentum, OptimizerKind.Adam) : null;
        bool stepGiven = p.GetResult(StepSize) is { Implicit: false };
        return new ModelSpec(
            modelKind, nb, p.GetValue(Mle) ? 0 : 1, p.GetValue(Standardize),
            new LogisticRegressionOptions(step, steps ?? 5000, batch, l2, seed, LogisticSolver.GradientAscent, optimizer ?? OptimizerKind.Sgd),
            new NetworkOptions(hidden, activation, stepGiven ? step : null, steps ?? 100, batch == 0 ? 32 : batch, l2, optimizer ?? OptimizerKind.Adam, seed));
    }

    // The value of the enum named by text (in lower case, as the help spells it), one of allowed.
    private static T OneOf<T>(string text, string option, params T[] allowed) where T : struct, Enum
    {
        foreach (var a in allowed) if (a.ToString().ToLowerInvariant() == text) return a;
        throw new ArgumentException($"{option}: '{text}' is not one of {string.Join(", ", allowed.Select(a => a.ToString().ToLowerInvariant()))}");
    }
}
