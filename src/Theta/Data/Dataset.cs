using System.Globalization;

namespace Theta.Data;

/// <summary>
/// A labelled table: features X [n, d] (float32, one row per example), integer class labels
/// y ∈ [0, classes), the class names that labels index, the feature names, and optionally a
/// group attribute per row (kept out of the features; used by fairness reports).
/// </summary>
public sealed class Dataset
{
    public Dataset(Tensor features, int[] labels, IReadOnlyList<string> classes, IReadOnlyList<string> featureNames,
        IReadOnlyList<string>? groups = null, string source = "", DataOrigin? origin = null)
    {
        if (features.Rank != 2)
            throw ShapeException.Invalid("Dataset", features.Shape, $"features {features.Shape} must be 2-d [rows, features]");
        if (labels.Length != features.Shape[0])
            throw ShapeException.Invalid("Dataset", features.Shape, $"{features.Shape[0]} feature rows but {labels.Length} labels", dimension: 0);
        if (featureNames.Count != features.Shape[1])
            throw ShapeException.Invalid("Dataset", features.Shape, $"{features.Shape[1]} feature columns but {featureNames.Count} names", dimension: 1);
        if (groups is not null && groups.Count != labels.Length)
            throw ShapeException.Invalid("Dataset", features.Shape, $"{labels.Length} rows but {groups.Count} group values", dimension: 0);
        foreach (int l in labels)
            if ((uint)l >= (uint)classes.Count)
                throw new ArgumentException($"Dataset: label {l} is not an index into {classes.Count} classes");
        Features = features; Labels = labels; Classes = classes; FeatureNames = featureNames; Groups = groups; Source = source;
        Origin = origin;
    }

    /// <summary>Where each row and feature came from in the file, for error messages (null for data built in code).</summary>
    public DataOrigin? Origin { get; }

    /// <summary>"file:line:column" of feature <paramref name="feature"/> in row <paramref name="row"/>, as a DataException.</summary>
    public DataException ErrorAt(int row, int feature, string message) =>
        Origin is { } o
            ? new DataException(Source, o.Lines[row], o.FeatureColumns[feature], message)
            : new DataException(Source.Length > 0 ? Source : "data", null, null, $"row {row + 1}, feature {feature + 1} (\"{FeatureNames[feature]}\"): {message}");

    /// <summary>X [rows, features].</summary>
    public Tensor Features { get; }
    /// <summary>Class index per row.</summary>
    public int[] Labels { get; }
    /// <summary>Class names; label k means Classes[k].</summary>
    public IReadOnlyList<string> Classes { get; }
    public IReadOnlyList<string> FeatureNames { get; }
    /// <summary>The group attribute per row, when one was named.</summary>
    public IReadOnlyList<string>? Groups { get; }
    /// <summary>Where the data came from (a path), for messages.</summary>
    public string Source { get; }

    public int Rows => Labels.Length;
    public int FeatureCount => Features.Shape[1];
    public int ClassCount => Classes.Count;

    /// <summary>True when every feature value is exactly 0 or 1.</summary>
    public bool IsBinary()
    {
        foreach (float v in Features.Data) if (v != 0f && v != 1f) return false;
        return true;
    }

    /// <summary>The rows at <paramref name="indices"/>, in that order.</summary>
    public Dataset Subset(IReadOnlyList<int> indices)
    {
        var idx = indices.ToArray();
        Tensor x;
        using (Autograd.NoGrad()) x = Features.SelectRows(idx);
        return new Dataset(x, idx.Select(i => Labels[i]).ToArray(), Classes, FeatureNames,
            Groups is null ? null : idx.Select(i => Groups[i]).ToArray(), Source,
            Origin is null ? null : Origin with { Lines = idx.Select(i => Origin.Lines[i]).ToArray() });
    }

    /// <summary>A copy with new feature values (same rows, labels, names and groups).</summary>
    public Dataset WithFeatures(Tensor features) => new(features, Labels, Classes, FeatureNames, Groups, Source, Origin);

    /// <summary>Every row's label read as a number (the class names of a numeric label column), for regression.</summary>
    /// <exception cref="DataException">A label is not a finite number; the message names its line.</exception>
    public float[] NumericLabels()
    {
        var values = new float[ClassCount];
        for (int k = 0; k < values.Length; k++)
            if (!float.TryParse(Classes[k], NumberStyles.Float, CultureInfo.InvariantCulture, out values[k]) || !float.IsFinite(values[k]))
            {
                int row = Array.IndexOf(Labels, k);
                throw new DataException(Source, Origin?.Lines[Math.Max(row, 0)], null, $"the target \"{Classes[k]}\" is not a number; regression needs a numeric label column");
            }
        return [.. Labels.Select(l => values[l])];
    }

    /// <summary>Rows per class.</summary>
    public int[] ClassCounts()
    {
        var c = new int[ClassCount];
        foreach (int l in Labels) c[l]++;
        return c;
    }
}

/// <summary>The 1-based file line of each row and the 1-based file column of each feature.</summary>
public sealed record DataOrigin(int[] Lines, int[] FeatureColumns);
