using Theta.Classic;
using Theta.Data;
using Theta.Io;
using Theta.Nn;
using Theta.Tabular;

namespace Theta.Explain;

/// <summary>
/// Any Theta model file opened for looking inside: a tabular model (<see cref="ModelFile"/>: naive
/// Bayes, logistic regression, mlp) or a network file (<see cref="NetworkFile"/>). Gives the network
/// that gradients flow through (an mlp's layers; logistic regression as one Linear layer, since
/// P(y = 1 | x) = σ(θ·x + θ₀) is exactly that; a network file's Sequential), reads data the way the
/// model was trained on, and summarises its parameters.
/// </summary>
public sealed class InspectedModel
{
    private InspectedModel(string path, TrainedModel? tabular, NetworkModel? network)
    {
        Path = path; Tabular = tabular; NetworkFile = network;
        Network = tabular?.Classifier switch
        {
            NetworkClassifier n => n.Network,
            LogisticRegression lr => AsNetwork(lr),
            null => network!.Network,
            _ => null,
        };
    }

    /// <summary>Reads a model file of either kind (validated as its loader does).</summary>
    public static InspectedModel Load(string path) => ThetaFile.Guard(path, () =>
    {
        if (ForeignFormats.For(path) is not null)
            return ModelFile.ReadForeign(path) is { } tabular ? new InspectedModel(path, tabular, null) : new InspectedModel(path, null, Io.NetworkFile.Read(path));
        var opened = ThetaFile.Open(path);   // the file is read once (a pipe works)
        return opened.Reader.String("kind") == "network"
            ? new InspectedModel(path, null, Io.NetworkFile.Read(opened, null))
            : new InspectedModel(path, ModelFile.Load(opened.Reader), null);
    });

    public string Path { get; }
    /// <summary>The tabular model (classifier, standardisation, CSV options), or null for a network file.</summary>
    public TrainedModel? Tabular { get; }
    /// <summary>The network file's contents, or null for a tabular model.</summary>
    public NetworkModel? NetworkFile { get; }
    /// <summary>The layers gradients flow through; null for naive Bayes (its tables are counts, not fitted by gradient).</summary>
    public Sequential? Network { get; }

    /// <summary>The model kind: bernoulli-naive-bayes, gaussian-naive-bayes, logistic, softmax, mlp or network.</summary>
    public string Kind => Tabular?.Classifier.Kind ?? "network";

    /// <summary>The class names by output index, when the file names them.</summary>
    public IReadOnlyList<string>? Classes => Tabular?.Classifier.Classes ?? NetworkFile!.Metadata.Classes;

    /// <summary><see cref="Network"/>, or an error saying why this model has none.</summary>
    public Sequential RequireNetwork(string verb) => Network ?? throw new ArgumentException(Tabular?.Classifier is NetworkEnsemble e
        ? $"{verb}: {Path} is an ensemble of {e.Members.Count} networks whose probabilities are averaged; {verb} follows one network (save the search's best alone: theta search without --ensemble)"
        : $"{verb}: {Path} is a {Kind} model; its parameters are counts and averages in closed form, not fitted by gradient, so there is no chain rule to follow (use an mlp or logistic model)");

    /// <summary>
    /// Reads a labelled CSV as the model was trained on it; with <paramref name="group"/>, that column
    /// is read as the group of each row (and kept out of the features, even when the model was
    /// trained with it dropped). A model trained with the group column as a feature keeps it as one.
    /// </summary>
    public Dataset ReadData(string path, string? group = null)
    {
        if (Tabular is not { } m)
            return CsvReader.Read(path, new CsvOptions(Group: group), NetworkFile!.Metadata.Classes);
        var classes = m.Classifier.Classes;
        var features = m.Classifier.FeatureNames;
        if (group is null) return m.ReadData(path);
        // The model's own group column (if any) is not a feature either: drop it when --group names another.
        var drop = (m.Csv.Drop ?? []).Concat(m.Csv.Group is { } g && g != group ? [g] : []).ToArray();
        var csv = m.Csv with { Drop = drop, Group = group };
        if (!features.Contains(group)) return CsvReader.Read(path, csv, classes, features);
        // A feature of the model that is also the group: read the features as trained, the groups beside them.
        var ds = CsvReader.Read(path, m.Csv with { Drop = drop, Group = null }, classes, features);
        var groups = CsvReader.Read(path, csv, classes).Groups;
        return new Dataset(ds.Features, ds.Labels, ds.Classes, ds.FeatureNames, groups, ds.Source, ds.Origin);
    }

    /// <summary>The model's input rows for a dataset: standardised when the model standardises.</summary>
    public Tensor Inputs(Dataset data) => Tabular?.Standardizer is { } s ? s.Transform(data.Features) : data.Features;

    /// <summary>
    /// Layers, output shapes and parameter counts (<see cref="Module.Summary"/>) for a network; for naive
    /// Bayes the tables it estimates: P(y) [C] and P(xᵢ = 1 | y) [C, d] (Bernoulli), or the priors,
    /// means and variances (Gaussian).
    /// </summary>
    /// <param name="inputShape">One example's shape without the batch axis, for a network file that does not store it.</param>
    public ModelSummary Summary(int[]? inputShape = null)
    {
        switch (Tabular?.Classifier)
        {
            case BernoulliNaiveBayes nb:
                return Tables(nb.FeatureNames.Count, ("P(y)", [nb.Classes.Count]), ("P(xᵢ = 1 | y)", [nb.Classes.Count, nb.FeatureNames.Count]));
            case GaussianNaiveBayes g:
                return Tables(g.FeatureNames.Count, ("P(y)", [g.Classes.Count]), ("mean μ", [g.Classes.Count, g.FeatureNames.Count]), ("variance σ²", [g.Classes.Count, g.FeatureNames.Count]));
            case NetworkEnsemble e:   // each member's layers in turn, named "member i: layer"
                var parts = e.Members.Select(m => m.Network.Summary(1, e.FeatureNames.Count)).ToList();
                return new ModelSummary(parts[0].InputShape,
                    [.. parts.SelectMany((sum, i) => sum.Rows.Select(r => r with { Name = $"member {i + 1}: {r.Name}" }))],
                    parts.Sum(sum => sum.TotalParameters));
            case IClassifier c:
                return Network!.Summary(1, c.FeatureNames.Count);
        }
        var shape = inputShape ?? NetworkFile!.Metadata.InputShape
            ?? (Network!.Layers.FirstOrDefault() is Linear first ? [first.InFeatures]
                : throw new ArgumentException($"summary: {Path} does not store its input shape; give one (e.g. --input-shape 1,28,28)"));
        ActivationBudget.Check(Network!, shape, Path, ActivationBudget.LimitFor(Network!.ParameterCount), inputShape is null ? "architecture field \"inputShape\"" : "--input-shape");
        return Network!.Summary([1, .. shape]);
    }

    private static ModelSummary Tables(int d, params (string Name, int[] Shape)[] tables) =>
        new(new Shape(1, d), tables.Select(t => new SummaryRow(t.Name, "table", new Shape(t.Shape), t.Shape.Aggregate(1, (a, b) => a * b))).ToList(),
            tables.Sum(t => t.Shape.Aggregate(1, (a, b) => a * b)));

    /// <summary>Logistic (or softmax) regression as the one-layer network it is: Linear(d → K) with its θ and θ₀.</summary>
    public static Sequential AsNetwork(LogisticRegression lr)
    {
        int K = lr.Bias.Length, d = lr.FeatureNames.Count;
        var linear = new Linear(d, K, new Rng(0));
        lr.Weights.CopyTo(linear.Weight.Data);
        lr.Bias.CopyTo(linear.Bias!.Data);
        var net = new Sequential(linear);
        net.Eval();
        return net;
    }
}
