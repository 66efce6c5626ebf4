using System.Globalization;
using Theta.Data;

namespace Theta.Search;

/// <summary>What a search predicts.</summary>
public enum SearchTask
{
    /// <summary>A class among two or more: networks output logits, scored by the cross-validated log-likelihood.</summary>
    Classification,
    /// <summary>A real number: networks output the (standardised) value, scored by the cross-validated squared error.</summary>
    Regression,
}

/// <summary>
/// The training data of a search: raw features X [n, d] (the search standardises them with the statistics of
/// each fold's training rows, and finally of all rows), and either class labels or real targets.
/// </summary>
public sealed class SearchData
{
    private SearchData(SearchTask task, Tensor features, int[]? labels, float[]? targets, IReadOnlyList<string> classes, IReadOnlyList<string> featureNames, string source)
    {
        if (features.Rank != 2) throw ShapeException.Invalid("SearchData", features.Shape, $"features {features.Shape} must be [rows, features]");
        if (featureNames.Count != features.Shape[1]) throw ShapeException.Invalid("SearchData", features.Shape, $"{features.Shape[1]} feature columns but {featureNames.Count} names", dimension: 1);
        Task = task; Features = features; Labels = labels; Targets = targets; Classes = classes; FeatureNames = featureNames; Source = source;
    }

    public SearchTask Task { get; }
    /// <summary>X [rows, features], as read (not standardised).</summary>
    public Tensor Features { get; }
    /// <summary>Class index per row (classification).</summary>
    public int[]? Labels { get; }
    /// <summary>Target per row (regression).</summary>
    public float[]? Targets { get; }
    /// <summary>Class names (classification; empty for regression).</summary>
    public IReadOnlyList<string> Classes { get; }
    public IReadOnlyList<string> FeatureNames { get; }
    /// <summary>Where the data came from, for messages.</summary>
    public string Source { get; }
    public int Rows => Features.Shape[0];
    public int FeatureCount => Features.Shape[1];
    /// <summary>Network outputs: 1 for two classes and for regression, else one per class.</summary>
    public int Outputs => Task == SearchTask.Regression || Classes.Count == 2 ? 1 : Classes.Count;

    /// <summary>A classification search over a labelled dataset.</summary>
    public static SearchData Classification(Dataset data)
    {
        if (data.ClassCount < 2) throw new ArgumentException($"ModelSearch: {Name(data.Source)} has one class ({data.Classes[0]}); classification needs two or more");
        return new(SearchTask.Classification, data.Features, data.Labels, null, data.Classes, data.FeatureNames, data.Source);
    }

    /// <summary>A regression search: X [n, d] and one real target per row.</summary>
    public static SearchData Regression(Tensor features, float[] targets, IReadOnlyList<string> featureNames, string source = "")
    {
        if (targets.Length != features.Shape[0]) throw ShapeException.Invalid("SearchData", features.Shape, $"{features.Shape[0]} rows but {targets.Length} targets", dimension: 0);
        int bad = Array.FindIndex(targets, t => !float.IsFinite(t));
        if (bad >= 0) throw new ArgumentException($"SearchData: target {targets[bad]} of row {bad + 1} is not a finite number");
        return new(SearchTask.Regression, features, null, targets, [], featureNames, source);
    }

    /// <summary>A regression search over a CSV read as a dataset: every label (class name) must be a number, which becomes the target.</summary>
    public static SearchData Regression(Dataset data) => Regression(data.Features, data.NumericLabels(), data.FeatureNames, data.Source);

    /// <summary>
    /// Classification when the labels are class names or a few integers; regression when every label is a
    /// number and some are not integers, or there are more than 20 distinct integers.
    /// </summary>
    public static SearchTask Detect(Dataset data)
    {
        bool numeric = true, integral = true;
        foreach (var c in data.Classes)
        {
            if (!double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)) { numeric = false; break; }
            if (v != Math.Floor(v)) integral = false;
        }
        int used = data.ClassCounts().Count(n => n > 0);
        return numeric && (!integral || used > 20) ? SearchTask.Regression : SearchTask.Classification;
    }

    internal static string Name(string source) => source.Length > 0 ? source : "the data";
}
