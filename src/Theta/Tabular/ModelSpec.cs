using Theta.Classic;
using Theta.Data;
using Theta.Training;

namespace Theta.Tabular;

/// <summary>The model families the command line trains.</summary>
public enum ModelKind
{
    /// <summary>Naive Bayes (Bernoulli or Gaussian).</summary>
    NaiveBayes,
    /// <summary>Logistic (or softmax) regression.</summary>
    Logistic,
    /// <summary>A neural network: stacked logistic regressions.</summary>
    Mlp,
}

/// <summary>Which naive Bayes: Auto picks Bernoulli when every feature is 0 or 1, Gaussian otherwise.</summary>
public enum NaiveBayesVariant { Auto, Bernoulli, Gaussian }

/// <summary>
/// Everything that decides how a model is trained (one record, documented defaults, varied with <c>with</c>).
/// </summary>
/// <param name="Kind">The model family.</param>
/// <param name="NaiveBayes">Which naive Bayes (Auto by default).</param>
/// <param name="Alpha">Naive Bayes smoothing: 1 = Laplace (MAP, the default), 0 = MLE.</param>
/// <param name="Standardize">Standardise features with μ, σ of the training data (stored with the model).</param>
/// <param name="Logistic">Logistic regression options (the course's gradient ascent by default).</param>
/// <param name="Network">Neural-network options.</param>
public sealed record ModelSpec(
    ModelKind Kind,
    NaiveBayesVariant NaiveBayes = NaiveBayesVariant.Auto,
    double Alpha = 1.0,
    bool Standardize = false,
    LogisticRegressionOptions? Logistic = null,
    NetworkOptions? Network = null)
{
    /// <summary>A short display name ("naive-bayes", "logistic", "mlp").</summary>
    public string Name => Kind switch { ModelKind.NaiveBayes => "naive-bayes", ModelKind.Logistic => "logistic", _ => "mlp" };
}

/// <summary>Trains a model by its <see cref="ModelSpec"/>: the one place the CLI and the web pages call.</summary>
public static class Fitting
{
    /// <summary>Fits the preprocessing and the model on <paramref name="train"/>; <paramref name="progress"/> hears after each epoch (each step of logistic regression).</summary>
    /// <param name="parallel">Data-parallel over several ranks (the network only; the other models are fitted in one pass or are cheap).</param>
    /// <exception cref="DataException">The labels name fewer than two classes (a model of one class predicts nothing, and its file would not load).</exception>
    public static TrainedModel Fit(Dataset train, ModelSpec spec, CsvOptions csv, Action<TrainerProgress>? progress = null, DataParallel? parallel = null)
    {
        if (train.ClassCount < 2)
            throw new DataException(train.Source.Length > 0 ? train.Source : "data", null, null,
                $"every label is \"{Io.SafeText.Quote(train.Classes.FirstOrDefault())}\"; a classifier needs at least two classes");
        Standardizer? s = spec.Standardize ? Standardizer.Fit(train.Features) : null;
        var data = s is null ? train : train.WithFeatures(s.Transform(train.Features));
        IClassifier model = spec.Kind switch
        {
            ModelKind.NaiveBayes => FitNaiveBayes(data, spec),
            ModelKind.Logistic => LogisticRegression.Fit(data, spec.Logistic,
                progress is null ? null : (step, ll) => progress(TrainerProgress.AfterEpoch(step, (spec.Logistic ?? new()).Steps, -ll))),
            _ => NetworkClassifier.Fit(data, spec.Network ?? new NetworkOptions(), progress, parallel),
        };
        return new TrainedModel(model, s, csv);
    }

    private static IClassifier FitNaiveBayes(Dataset data, ModelSpec spec)
    {
        var variant = spec.NaiveBayes == NaiveBayesVariant.Auto
            ? (data.IsBinary() ? NaiveBayesVariant.Bernoulli : NaiveBayesVariant.Gaussian)
            : spec.NaiveBayes;
        if (variant == NaiveBayesVariant.Bernoulli && spec.Standardize)
            throw new ArgumentException("standardising makes the features real-valued, but Bernoulli naive Bayes needs 0/1 features: use Gaussian naive Bayes or leave the features as they are");
        return variant == NaiveBayesVariant.Bernoulli ? BernoulliNaiveBayes.Fit(data, spec.Alpha) : GaussianNaiveBayes.Fit(data);
    }
}
