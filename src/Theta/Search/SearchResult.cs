using Theta.Data;
using Theta.Nn;
using Theta.Training;
using Theta.Tabular;

namespace Theta.Search;

/// <summary>
/// One candidate's cross-validated score after a rung: every training row predicted once, by the fold model
/// that did not train on it, pooled over the k folds.
/// </summary>
/// <param name="Rung">The rung (0 first).</param>
/// <param name="Epochs">Epochs each fold model had trained when scored.</param>
/// <param name="Loss">Lower is better: the mean negative log-likelihood per row (classification) or the mean squared error (regression). +∞ when it diverged.</param>
/// <param name="Accuracy">The fraction of rows whose most probable class is right (classification; NaN for regression).</param>
/// <param name="Rmse">√ of the mean squared error in the target's units (regression; NaN for classification).</param>
public sealed record RungScore(int Rung, double Epochs, double Loss, double Accuracy, double Rmse);

/// <summary>A candidate and how it did: its scores rung by rung (the last is its final standing), and whether it diverged.</summary>
public sealed record CandidateResult(int Id, CandidateConfig Config, IReadOnlyList<RungScore> Scores, bool Diverged)
{
    /// <summary>The latest score.</summary>
    public RungScore Last => Scores[^1];
    /// <summary>The last rung it was trained in.</summary>
    public int Rung => Last.Rung;
}

/// <summary>A rung of the plan: how many candidates train in it, and to how many epochs (cumulative).</summary>
public sealed record PlannedRung(int Candidates, double Epochs);

/// <summary>
/// What the budget bought: the rungs as run (the first decided before training; the later ones' epochs, and when the
/// epoch cap binds their sizes, re-planned after each rung from the survivors' own costs and the recorded pace), the cost
/// figures (with the start and paces that make <c>--cost</c> repeat the run), the workers and the seconds predicted up front.
/// </summary>
public sealed record SearchPlan(IReadOnlyList<PlannedRung> Rungs, CostModel Cost, bool CostMeasured, int Workers, int Folds, double PredictedSeconds);

/// <summary>
/// The outcome of <see cref="ModelSearch.Run"/>: the leaderboard (best first: those that reached later rungs
/// first, then by loss), the plan, the chosen model refitted on all the training data, and any warnings.
/// </summary>
public sealed record SearchResult(
    SearchTask Task,
    IReadOnlyList<CandidateResult> Leaderboard,
    SearchPlan Plan,
    SearchModel Model,
    IReadOnlyList<string> Warnings,
    double Seconds,
    double PredictedSeconds,
    bool StoppedByClock)
{
    /// <summary>The best candidate.</summary>
    public CandidateResult Best => Leaderboard[0];
}

/// <summary>
/// The search's model: one network or an ensemble averaging the top candidates' probabilities (or
/// predictions), each refitted on all the training data, with the standardisation they were trained with.
/// Predicts from raw features.
/// </summary>
public sealed class SearchModel
{
    internal SearchModel(SearchTask task, IReadOnlyList<(int Id, CandidateConfig Config, Sequential Network)> members, Standardizer standardizer,
        IReadOnlyList<string> classes, IReadOnlyList<string> featureNames, float targetMean, float targetStd)
    {
        Task = task; Members = members; Standardizer = standardizer; Classes = classes; FeatureNames = featureNames;
        TargetMean = targetMean; TargetStd = targetStd;
    }

    public SearchTask Task { get; }
    /// <summary>The networks (candidate id, config, layers), best first.</summary>
    public IReadOnlyList<(int Id, CandidateConfig Config, Sequential Network)> Members { get; }
    public Standardizer Standardizer { get; }
    public IReadOnlyList<string> Classes { get; }
    public IReadOnlyList<string> FeatureNames { get; }
    /// <summary>Regression: the networks predict (y − μ) / σ; these are μ and σ of the training targets.</summary>
    public float TargetMean { get; }
    public float TargetStd { get; }

    /// <summary>
    /// The classifier as a model file holds it (classification): one <see cref="NetworkClassifier"/>, or a
    /// <see cref="NetworkEnsemble"/> of the members, with the standardisation, read with <paramref name="csv"/>.
    /// </summary>
    public TrainedModel ToTrainedModel(CsvOptions csv)
    {
        if (Task != SearchTask.Classification) throw new InvalidOperationException("SearchModel: a regression model saves as a RegressionModel (ToRegressionModel)");
        var nets = Members.Select(m => new NetworkClassifier(m.Network, m.Config.Activation, m.Config.Hidden, Classes, FeatureNames)).ToList();
        return new TrainedModel(nets.Count == 1 ? nets[0] : new NetworkEnsemble(nets), Standardizer, csv);
    }

    /// <summary>The regression model as a model file holds it; <paramref name="target"/> names the predicted column.</summary>
    public RegressionModel ToRegressionModel(CsvOptions csv, string target)
    {
        if (Task != SearchTask.Regression) throw new InvalidOperationException("SearchModel: a classifier saves as a TrainedModel (ToTrainedModel)");
        return new RegressionModel([.. Members.Select(m => m.Network)], Standardizer, TargetMean, TargetStd, FeatureNames, target, csv);
    }

    /// <summary>P(y = k | x) [rows, classes] averaged over the members, from raw features X [rows, d].</summary>
    public Tensor PredictProba(Tensor x)
    {
        if (Task != SearchTask.Classification) throw new InvalidOperationException("SearchModel: a regression model predicts values (Predict), not probabilities");
        var z = Standardizer.Transform(x);
        int n = x.Shape[0], C = Classes.Count;
        var p = new float[n * C];
        foreach (var (_, _, net) in Members)
        {
            var o = Trainer.Outputs(net, z).ToArray();
            var q = Scoring.Probabilities(o, n, C);
            for (int i = 0; i < p.Length; i++) p[i] += q[i] / Members.Count;
        }
        return Tensor.FromArray(p, n, C);
    }

    /// <summary>The predicted value of every row (regression), averaged over the members, from raw features X [rows, d].</summary>
    public float[] Predict(Tensor x)
    {
        if (Task != SearchTask.Regression) throw new InvalidOperationException("SearchModel: a classifier predicts probabilities (PredictProba)");
        return ToRegressionModel(new CsvOptions(), "").Predict(x);
    }
}

/// <summary>From network outputs to probabilities and scores.</summary>
internal static class Scoring
{
    /// <summary>Probabilities [n, C] from outputs: one logit (two classes, σ) or C logits (softmax).</summary>
    public static float[] Probabilities(float[] outputs, int n, int C)
    {
        var p = new float[n * C];
        if (C == 2)
            for (int r = 0; r < n; r++) { float p1 = 1f / (1f + MathF.Exp(-outputs[r])); p[2 * r] = 1 - p1; p[2 * r + 1] = p1; }
        else
            for (int r = 0; r < n; r++) Kernels.SoftmaxKernels.Forward(outputs.AsSpan(r * C, C).ToArray(), p.AsSpan(r * C, C), log: false);
        return p;
    }

    /// <summary>Σ log P(y | x) and the number right, for outputs [n, outputs] and labels.</summary>
    public static (double LogLikelihood, int Correct) Classify(float[] outputs, ReadOnlySpan<int> labels, int C)
    {
        double ll = 0;
        int correct = 0;
        if (C == 2)
        {
            for (int r = 0; r < labels.Length; r++)
            {
                float z = outputs[r];
                ll += Classic.LogisticRegression.LogSigmoid(labels[r] == 1 ? z : -z);
                if ((z > 0 ? 1 : 0) == labels[r]) correct++;
            }
            return (ll, correct);
        }
        var logp = new float[C];
        for (int r = 0; r < labels.Length; r++)
        {
            var row = outputs.AsSpan(r * C, C);
            Kernels.SoftmaxKernels.Forward(row.ToArray(), logp, log: true);
            ll += logp[labels[r]];
            if (Metrics.ClassificationMetrics.ArgMax(row) == labels[r]) correct++;
        }
        return (ll, correct);
    }
}
