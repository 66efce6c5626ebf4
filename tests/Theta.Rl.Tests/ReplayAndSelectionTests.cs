using Theta.Optim;

namespace Theta.Rl.Tests;

public class ReplayAndSelectionTests
{
    // Four rows; row 3 gets TD error 2.99 and the others their entry priority 1: with α = 1, p = (|δ| + 0.01) = 3 for
    // row 3, so P(3) = 3/6 and P(others) = 1/6 each. Importance weights (N·P)^−β, β = 1: 1/2 for row 3, 3/2 for the
    // others, divided by the batch's largest: 1/3 and 1.
    [Fact]
    public void Prioritised_replay_samples_in_proportion_to_the_priorities_and_weights_by_their_inverse()
    {
        var memory = new ReplayMemory(4, 1, alpha: 1f);
        var rng = new Rng(5);
        for (int i = 0; i < 4; i++) memory.Add([i], 0, i, [i], rng);
        memory.UpdatePriority(3, -2.99f);
        int B = 64, draws = 0, threes = 0;
        float[] s = new float[B], n = new float[B], r = new float[B], w = new float[B];
        int[] a = new int[B], rows = new int[B];
        for (int k = 0; k < 200; k++)
        {
            memory.Sample(rng, s, n, a, r, rows, w, beta: 1);
            for (int b = 0; b < B; b++)
            {
                draws++;
                Assert.Equal(rows[b], (int)r[b]); // the row's own reward came with it
                if (rows[b] == 3) { threes++; Assert.Equal(1f / 3, w[b], 5); }
                else Assert.Equal(1f, w[b], 5);
            }
        }
        Assert.InRange((double)threes / draws, 0.48, 0.52); // stratified draws: close to 1/2
    }

    [Fact]
    public void Prioritised_replay_keeps_the_critter_deterministic()
    {
        var o = DqnOptions.Best with { LearnStart = 100, EpsilonBurnIn = 200, EpsilonSteps = 1000, TargetSync = 50, PriorityAlpha = 0.6f, UpdatesPerTick = 2 };
        float[] Run()
        {
            var agent = new DqnAgent(o, 9);
            Simulation.Run(agent, 3, 1500);
            return [.. agent.Network.Parameters().SelectMany(p => p.ToArray())];
        }
        Assert.Equal(Run(), Run());
    }

    // The last tick is one of the candidates, so the kept weights validate at least as well as the last ones.
    [Fact]
    public void Selection_keeps_the_weights_with_the_best_validation_reward()
    {
        var o = DqnOptions.Best with { LearnStart = 200, EpsilonBurnIn = 200, EpsilonSteps = 2_000, TargetSync = 100, SelectFrom = 1_000, SelectEvery = 1_000, SelectTicks = 1_000 };
        var (selected, _, at) = CritterTraining.Train(o, 4, 6_000);
        var (again, _, at2) = CritterTraining.Train(o, 4, 6_000);
        var (last, _, lastAt) = CritterTraining.Train(o with { SelectEvery = 0 }, 4, 6_000);
        Assert.Equal(at, at2);
        Assert.Equal(selected.Network.Parameters().SelectMany(p => p.ToArray()), again.Network.Parameters().SelectMany(p => p.ToArray()));
        Assert.Contains(at, new long[] { 1_000, 2_000, 3_000, 4_000, 5_000, 6_000 });
        Assert.Equal(6_000, lastAt);
        Assert.True(CritterTraining.Validate(selected, 4) >= CritterTraining.Validate(last, 4));
    }

    // The validation score is the world's reward, or with SelectBy = Items only 5 per apple − 6 per poison, of the same run.
    [Fact]
    public void Validation_scores_the_reward_or_the_items_alone()
    {
        var o = DqnOptions.Best with { SelectTicks = 3_000, SelectWorlds = 1, SelectBy = SelectionScore.Reward };
        var agent = new DqnAgent(o, 6);
        var tested = new DqnAgent(o with { ReplaySize = 1 }, agent.Network, 6 + 2_000) { Learning = false };
        var totals = Simulation.Run(tested, 6 + 1_000, 3_000);
        Assert.True(totals.Apples + totals.Poison > 0); // the two scores differ
        Assert.Equal(totals.Reward, CritterTraining.Validate(agent, 6), 9);
        var items = new DqnAgent(o with { SelectBy = SelectionScore.Items, SelectPoison = 6 }, agent.Network, 6);
        Assert.Equal(5.0 * totals.Apples - 6.0 * totals.Poison, CritterTraining.Validate(items, 6), 9);
        // Best's items' score weighs a poison 15 (SelectPoison), the world's reward 6.
        Assert.True(totals.Poison > 0);
        Assert.Equal(15f, DqnOptions.Best.SelectPoison);
        Assert.Equal(6f, DqnOptions.Reference.SelectPoison);
        var strict = new DqnAgent(o with { SelectBy = SelectionScore.Items, SelectPoison = 15 }, agent.Network, 6);
        Assert.Equal(5.0 * totals.Apples - 15.0 * totals.Poison, CritterTraining.Validate(strict, 6), 9);
    }

    // With SelectWorlds = 3 the score is the mean of the three single-world scores: world k is seed + 1,000 + 10,000·k,
    // its random actions seed + 2,000 + k.
    [Fact]
    public void Validation_over_several_worlds_is_the_mean_of_each_world()
    {
        var o = DqnOptions.Best with { SelectTicks = 2_000, SelectBy = SelectionScore.Items, SelectWorlds = 3 };
        var agent = new DqnAgent(o, 6);
        double sum = 0;
        var scores = new List<double>();
        for (int k = 0; k < 3; k++)
        {
            var tested = new DqnAgent(o with { ReplaySize = 1 }, agent.Network, 6 + 2_000 + (ulong)k) { Learning = false };
            var totals = Simulation.Run(tested, 6 + 1_000 + 10_000 * (ulong)k, 2_000);
            scores.Add(5.0 * totals.Apples - 15.0 * totals.Poison); // Best's poison in the score, SelectPoison
            sum += scores[^1];
        }
        Assert.True(scores.Distinct().Count() > 1); // the worlds differ, so a wrong world or a sum would show
        Assert.Equal(sum / 3, CritterTraining.Validate(agent, 6), 9);
        Assert.Equal(scores[0], CritterTraining.Validate(o with { SelectWorlds = 1 }, agent.Network, 6), 9);
    }

    // SelectKeep = 3: the brain is the mean of the three best-validated checkpoints, best first, as one wider network
    // whose Q is the mean of theirs (each checkpoint trained again the same way, seeds being what they are).
    [Fact]
    public void Keeping_several_checkpoints_folds_the_best_validated_ones()
    {
        var o = DqnOptions.Best with { LearnStart = 200, EpsilonBurnIn = 200, EpsilonSteps = 2_000, TargetSync = 100, SelectFrom = 1_000, SelectEvery = 1_000, SelectTicks = 500, SelectWorlds = 2, SelectKeep = 3 };
        var run = CritterTraining.Train(o, 4, 5_000);
        Assert.Equal(3, run.SelectedTicks.Count);
        Assert.Equal(run.SelectedTick, run.SelectedTicks[0]);
        Assert.Equal(3, run.SelectedTicks.Distinct().Count());
        Assert.False(run.Agent.Learning);
        Assert.Equal(new[] { 150, 150 }, run.Agent.Options.Hidden);
        // Each kept checkpoint, trained again to its tick, scores at least as well as every one left out.
        var scores = new Dictionary<long, double>();
        var members = new List<Nn.Sequential>();
        for (long t = 1_000; t <= 5_000; t += 1_000)
        {
            var single = CritterTraining.Train(o with { SelectEvery = 0, SelectKeep = 1 }, 4, t).Agent;
            scores[t] = CritterTraining.Validate(o, single.Network, 4);
            if (run.SelectedTicks.Contains(t)) members.Add(single.Network);
        }
        Assert.True(run.SelectedTicks.Min(t => scores[t]) >= scores.Where(kv => !run.SelectedTicks.Contains(kv.Key)).Max(kv => kv.Value));
        Assert.Equal(run.SelectedTicks, run.SelectedTicks.OrderByDescending(t => scores[t]));
        var input = Enumerable.Range(0, o.NetInputs()).Select(i => (i % 5) / 5f).ToArray();
        var expected = new float[Critter.ActionCount];
        foreach (var m in members)
        {
            var a = new DqnAgent(o, m, 1) { Learning = false };
            a.Greedy(input);
            for (int j = 0; j < expected.Length; j++) expected[j] += a.LastQ[j] / 3;
        }
        run.Agent.Greedy(input);
        for (int j = 0; j < expected.Length; j++) Assert.Equal(expected[j], run.Agent.LastQ[j], 4);
    }

    // m ← m + τ·(θ − m) after each step: after one step from m = θ₀, m = (1 − τ)·θ₀ + τ·θ₁.
    [Fact]
    public void Averaged_weights_follow_the_live_ones_by_tau_a_step()
    {
        var o = new DqnOptions { TemporalWindow = 0, LearnStart = 0, BatchSize = 4, AverageWeights = 0.25f, Optimizer = OptimizerKind.Adam, LearningRate = 0.01f };
        var agent = new DqnAgent(o, 3);
        var theta0 = agent.Network.Parameters().SelectMany(p => p.ToArray()).ToArray();
        Assert.Equal(theta0, agent.AveragedNetwork!.Parameters().SelectMany(p => p.ToArray()));
        var x = Enumerable.Range(0, 27).Select(i => i / 27f).ToArray();
        agent.Act(x);
        agent.Observe(5, x.Reverse().ToArray());
        agent.Learn();
        Assert.Equal(1, agent.LearnSteps);
        var theta1 = agent.Network.Parameters().SelectMany(p => p.ToArray()).ToArray();
        var m = agent.AveragedNetwork.Parameters().SelectMany(p => p.ToArray()).ToArray();
        Assert.Contains(Enumerable.Range(0, m.Length), i => theta1[i] != theta0[i]);
        for (int i = 0; i < m.Length; i++) Assert.True(Math.Abs(0.75 * theta0[i] + 0.25 * theta1[i] - m[i]) <= 1e-6 * Math.Max(1, Math.Abs(m[i])), $"m[{i}] = {m[i]}");
        Assert.Null(new DqnAgent(DqnOptions.Best, 3).AveragedNetwork); // off by default
    }

    // Training with averaging (and no selection) ends with the averaged weights.
    [Fact]
    public void Training_with_averaging_ends_with_the_averaged_weights()
    {
        var o = DqnOptions.Best with { LearnStart = 100, EpsilonBurnIn = 200, EpsilonSteps = 1_000, TargetSync = 50, SelectEvery = 0, AverageWeights = 0.01f };
        var (agent, _, _) = CritterTraining.Train(o, 5, 2_000);
        Assert.Equal(agent.AveragedNetwork!.Parameters().SelectMany(p => p.ToArray()), agent.Network.Parameters().SelectMany(p => p.ToArray()));
    }
}
