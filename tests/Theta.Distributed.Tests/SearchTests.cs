using System.Text.Json.Nodes;

namespace Theta.Distributed.Tests;

/// <summary><c>mpirun -np N theta search</c>: the fold models are shared among the ranks; with a given cost model and
/// the same workers in all, the leaderboard is the one process's, score for score.</summary>
public sealed class SearchTests
{
    // A pinned cost about ten times as pessimistic as this machine, so that the plan is fixed and the one process's
    // clock guard (the ranks run without one) has room on a busy machine.
    private static string[] Search(int workers) =>
        ["search", "--train", Data.Cs109("heart-train.csv"), "--budget", "4s", "--cost", "1e-9,3e-4,2.5e-7", "--seed", "5", "--folds", "4",
         "--workers", $"{workers}", "--top", "1000", "--json"];

    [Fact]
    public void TwoRanksOfOneWorkerGiveTheLeaderboardOfOneProcessWithTwo()
    {
        var alone = OpenMpi.RunAlone(Search(2));
        var two = OpenMpi.Run(2, Search(1));
        var (a, b) = (Board(alone), Board(two));
        Assert.True(a.Count > 3, $"too few candidates to compare: {a.ToJsonString()}");
        Assert.Equal(a.ToJsonString(), b.ToJsonString());
    }

    private static JsonArray Board(OpenMpi.Result r)
    {
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}\nstdout: {r.Out}\nstderr: {r.Err}");
        var line = Assert.Single(r.Out.Split('\n'), l => l.Contains("\"leaderboard\"", StringComparison.Ordinal));
        var o = JsonNode.Parse(line[line.IndexOf('{')..])!;
        Assert.False(o["stoppedByClock"]!.GetValue<bool>(), "the clock guard stopped the one-process run: the machine is far slower than the pinned cost");
        return o["leaderboard"]!.AsArray();
    }
}
