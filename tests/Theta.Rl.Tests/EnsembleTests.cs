using Theta.Nn;

namespace Theta.Rl.Tests;

public class EnsembleTests
{
    // The folded network's Q is the members' mean Q, computed here member by member through Theta's own layers.
    // Members of different widths and depth 3, an odd input size, several rows.
    [Theory]
    [InlineData(7, new[] { 3, 5 }, new[] { 4, 1 }, new[] { 6, 2 })]
    [InlineData(91, new[] { 50, 50 }, new[] { 50, 50 })]
    [InlineData(1, new[] { 2 })]
    public void Folded_q_is_the_mean_of_the_members(int inputs, params int[][] hidden)
    {
        var rng = new Rng(11);
        var members = hidden.Select((h, k) => DqnAgent.NewNetwork(new DqnOptions { Hidden = h }, inputs, Critter.ActionCount, new Rng(100 + (ulong)k))).ToList();
        foreach (var p in members.SelectMany(m => m.Parameters())) // biases off 0 and 0.1, so a misplaced one shows
        {
            var d = p.Data;
            for (int i = 0; i < d.Length; i++) d[i] += 0.3f * (rng.NextFloat() - 0.5f);
        }
        var folded = QEnsemble.Fold(members);
        Assert.Equal(inputs, DqnAgent.Layers(folded)[0].InFeatures);
        Assert.Equal(hidden.Sum(h => h[0]), DqnAgent.Layers(folded)[0].OutFeatures);
        const int rows = 5;
        var x = Tensor.FromArray([.. Enumerable.Range(0, rows * inputs).Select(_ => 2 * rng.NextFloat() - 1)], rows, inputs);
        var mean = new float[rows * Critter.ActionCount];
        foreach (var m in members)
        {
            var q = m.Forward(x).ToArray();
            for (int i = 0; i < mean.Length; i++) mean[i] += q[i] / members.Count;
        }
        var got = folded.Forward(x).ToArray();
        for (int i = 0; i < mean.Length; i++) Assert.True(Math.Abs(mean[i] - got[i]) <= 1e-5f * Math.Max(1, Math.Abs(mean[i])), $"Q[{i}]: {got[i]} != mean {mean[i]}");
    }

    [Fact]
    public void Members_of_other_depths_or_sizes_are_refused()
    {
        var a = DqnAgent.NewNetwork(new DqnOptions { Hidden = [4, 4] }, 6, 5, new Rng(1));
        var b = DqnAgent.NewNetwork(new DqnOptions { Hidden = [4] }, 6, 5, new Rng(2));
        var c = DqnAgent.NewNetwork(new DqnOptions { Hidden = [4, 4] }, 7, 5, new Rng(3));
        Assert.Contains("same depth", Assert.Throws<ArgumentException>(() => QEnsemble.Fold([a, b])).Message);
        Assert.Contains("member 1", Assert.Throws<ArgumentException>(() => QEnsemble.Fold([a, c])).Message);
        Assert.Throws<ArgumentException>(() => QEnsemble.Fold([]));
    }

    // A folded brain is an ordinary brain file: saved, read back and acting the same.
    [Fact]
    public void A_folded_brain_round_trips_through_the_brain_file()
    {
        var o = DqnOptions.Best;
        var members = Enumerable.Range(0, 3).Select(k => new DqnAgent(o, 20 + (ulong)k).Network).ToList();
        var folded = QEnsemble.Fold(members);
        var agent = new DqnAgent(o with { Hidden = [150, 150] }, folded, 1) { Learning = false };
        var path = Path.Combine(Path.GetTempPath(), $"theta-ensemble-{Environment.ProcessId}.theta");
        try
        {
            BrainFile.Save(agent, path);
            var loaded = BrainFile.Load(path, 1, o);
            Assert.Equal(new[] { 150, 150 }, loaded.Options.Hidden);
            var input = Enumerable.Range(0, o.NetInputs()).Select(i => (i % 7) / 7f).ToArray();
            Assert.Equal(agent.Greedy(input), loaded.Greedy(input));
            Assert.Equal(agent.LastQ.ToArray(), loaded.LastQ.ToArray());
        }
        finally { File.Delete(path); }
    }
}
