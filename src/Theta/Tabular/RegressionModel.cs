using System.Text.Json.Nodes;
using Theta.Data;
using Theta.Io;
using Theta.Nn;
using Theta.Training;

namespace Theta.Tabular;

/// <summary>
/// A regression network (or an ensemble averaging several) as a model file: the networks predict the standardised
/// target (y − μ)/σ from standardised features; the file holds both standardisations and the CSV options, so
/// predicting on a raw file needs nothing else. Kind <c>"regression"</c> in Theta's model-file layout
/// (docs/model-file.md): member i's tensors are prefixed <c>members.i.</c>, <c>"members"</c> lists their layers.
/// </summary>
public sealed class RegressionModel
{
    public RegressionModel(IReadOnlyList<Sequential> members, Standardizer standardizer, float targetMean, float targetStd,
        IReadOnlyList<string> featureNames, string target, CsvOptions csv)
    {
        if (members.Count == 0) throw new ArgumentException("RegressionModel: give at least one network", nameof(members));
        Members = members; Standardizer = standardizer; TargetMean = targetMean; TargetStd = targetStd; FeatureNames = featureNames; Target = target; Csv = csv;
    }

    public IReadOnlyList<Sequential> Members { get; }
    public Standardizer Standardizer { get; }
    public float TargetMean { get; }
    public float TargetStd { get; }
    public IReadOnlyList<string> FeatureNames { get; }
    /// <summary>The target column's name (for output headers).</summary>
    public string Target { get; }
    public CsvOptions Csv { get; }

    /// <summary>ŷ for every row of raw features X [rows, d], averaged over the members.</summary>
    public float[] Predict(Tensor x)
    {
        if (x.Rank != 2 || x.Shape[1] != FeatureNames.Count)
            throw ShapeException.Invalid("regression", x.Shape, $"data {x.Shape} must be [rows, {FeatureNames.Count}] (the model's features)");
        var z = Standardizer.Transform(x);
        var y = new float[x.Shape[0]];
        foreach (var net in Members)
        {
            var o = Trainer.Outputs(net, z).ToArray();
            for (int i = 0; i < y.Length; i++) y[i] += (o[i] * TargetStd + TargetMean) / Members.Count;
        }
        return y;
    }

    /// <summary>Reads a CSV with the model's column options and features; the label column, when present, holds the true values.</summary>
    public (Tensor Features, float[]? Targets) ReadData(string path)
    {
        var ds = CsvReader.Read(path, Csv, null, FeatureNames);
        try { return (ds.Features, ds.NumericLabels()); }
        catch (DataException) { return (ds.Features, null); } // no numeric label column: predict only
    }

    /// <summary>True when <paramref name="path"/> is a Theta model file of kind "regression" (without reading the weights' values).</summary>
    public static bool IsRegressionFile(string path)
    {
        try { var (r, _) = ThetaFile.Open(path); return r.String("kind") == "regression"; }
        catch (ModelFormatException) { return false; }
    }

    /// <summary>Writes the model atomically.</summary>
    public void Save(string path)
    {
        var arch = ThetaFile.Header("regression");
        arch["features"] = new JsonArray([.. FeatureNames.Select(f => (JsonNode)f)]);
        arch["target"] = Target;
        arch["targetMean"] = TargetMean;
        arch["targetStd"] = TargetStd;
        arch["csv"] = new JsonObject
        {
            ["hasHeader"] = Csv.HasHeader, ["label"] = Csv.Label, ["drop"] = new JsonArray([.. (Csv.Drop ?? []).Select(d => (JsonNode)d)]),
            ["separator"] = Csv.Separator?.ToString(),
        };
        arch["members"] = new JsonArray([.. Members.Select(m => (JsonNode)NetworkArchitecture.ToJson(m))]);
        var tensors = new List<(string, Tensor)>();
        for (int i = 0; i < Members.Count; i++) tensors.AddRange(Members[i].NamedParameters().Select(p => ($"members.{i}.{p.Name}", p.Parameter)));
        tensors.Add(("standardize.mean", Tensor.FromArray(Standardizer.Mean, Standardizer.Mean.Length)));
        tensors.Add(("standardize.std", Tensor.FromArray(Standardizer.Std, Standardizer.Std.Length)));
        SafeTensors.Write(path, tensors, new Dictionary<string, string> { [ThetaFile.Key] = arch.ToJsonString() });
    }

    /// <summary>Reads and validates a regression model file.</summary>
    public static RegressionModel Load(string path) => ThetaFile.Guard(path, () => Load(ThetaFile.Open(path).Reader));

    // The regression model in an opened file.
    internal static RegressionModel Load(ArchReader r)
    {
        string path = r.Path;
        if (r.String("kind") != "regression") throw r.Error("kind", "is not \"regression\"");
        var features = r.Strings("features");
        int d = features.Length;
        if (d < 1) throw r.Error("features", "needs at least one feature");
        var csv = ModelFile.ReadCsv(r);
        if (csv.Drop is { Count: 0 }) csv = csv with { Drop = null };
        if (r.Root["members"] is not JsonArray members || members.Count == 0 || members.Count > 1000)
            throw r.Error("members", "must be a non-empty list of network architectures");
        var nets = new List<Sequential>();
        for (int i = 0; i < members.Count; i++)
        {
            var seq = NetworkArchitecture.Build(members[i], path, r.TotalFloats) as Sequential ?? throw r.Error("members", $"entry {i} must be a Sequential");
            if (!ModelFile.MapsTo(r, seq, d, 1)) throw r.Error("members", $"entry {i} does not map {d} features to one output");
            NetworkArchitecture.LoadWeights(seq, r, $"members.{i}.");
            seq.Eval();
            nets.Add(seq);
        }
        var s = new Standardizer(r.Tensor("standardize.mean", d).ToArray(), r.Tensor("standardize.std", d).ToArray());
        r.CheckAllTensorsUsed();
        return new RegressionModel(nets, s, (float)r.Double("targetMean"), (float)r.Double("targetStd"), features, r.String("target"), csv);
    }
}
