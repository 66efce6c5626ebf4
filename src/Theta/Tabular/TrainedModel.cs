using Theta.Classic;
using Theta.Data;
using Theta.Metrics;

namespace Theta.Tabular;

/// <summary>
/// What a model file holds: the classifier, the preprocessing fitted on its training data
/// (standardisation), and how its CSV files are read (label, dropped and group columns), so
/// that evaluating or predicting on raw files needs nothing else.
/// </summary>
public sealed record TrainedModel(IClassifier Classifier, Standardizer? Standardizer, CsvOptions Csv)
{
    /// <summary>Reads a CSV with the model's column options, classes and features: a different layout is a DataException.</summary>
    public Dataset ReadData(string path, bool requireKnownLabels = true) =>
        CsvReader.Read(path, Csv, requireKnownLabels ? Classifier.Classes : null, Classifier.FeatureNames);

    /// <summary>P(y = k | x) [rows, classes] for a dataset, after the model's preprocessing.</summary>
    public Tensor PredictProba(Dataset data)
    {
        if (Classifier is BernoulliNaiveBayes)
        {
            var x = data.Features.Data;
            int d = data.FeatureCount;
            for (int i = 0; i < x.Length; i++)
                if (x[i] != 0f && x[i] != 1f)
                    throw data.ErrorAt(i / d, i % d, $"{x[i]} is not 0 or 1; this Bernoulli naive Bayes model needs binary features");
        }
        var features = Standardizer is null ? data.Features : Standardizer.Transform(data.Features);
        using (Autograd.NoGrad()) return Classifier.PredictProba(features);
    }

    /// <summary>Accuracy, log-likelihood, confusion matrix, … of the model on a labelled dataset.</summary>
    public ClassificationMetrics Evaluate(Dataset data) => ClassificationMetrics.Compute(PredictProba(data), data.Labels, data.Classes);
}
