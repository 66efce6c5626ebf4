using Theta.Classic;

namespace Theta.Tabular;

/// <summary>
/// Several network classifiers for the same classes and features whose probabilities are averaged:
/// P(y = k | x) = (1/m) Σᵢ Pᵢ(y = k | x). What a search saves when asked for an ensemble of its top m.
/// </summary>
public sealed class NetworkEnsemble : IClassifier
{
    public NetworkEnsemble(IReadOnlyList<NetworkClassifier> members)
    {
        if (members.Count == 0) throw new ArgumentException("NetworkEnsemble: give at least one member", nameof(members));
        var first = members[0];
        if (members.Any(m => !m.Classes.SequenceEqual(first.Classes) || !m.FeatureNames.SequenceEqual(first.FeatureNames)))
            throw new ArgumentException("NetworkEnsemble: every member must have the same classes and features");
        Members = members;
    }

    public string Kind => "ensemble";
    public IReadOnlyList<string> Classes => Members[0].Classes;
    public IReadOnlyList<string> FeatureNames => Members[0].FeatureNames;
    /// <summary>The networks, best first.</summary>
    public IReadOnlyList<NetworkClassifier> Members { get; }

    public Tensor PredictProba(Tensor x)
    {
        Classifier.CheckFeatures(this, x);
        var sum = new float[x.Shape[0] * Classes.Count];
        foreach (var m in Members)
        {
            var p = m.PredictProba(x).Data;
            for (int i = 0; i < sum.Length; i++) sum[i] += p[i] / Members.Count;
        }
        return Tensor.FromArray(sum, x.Shape[0], Classes.Count);
    }
}
