using System.Diagnostics;
using Theta.Nn;

namespace Theta.Rl;

/// <summary>A point of a learning curve: the ticks so far, and the totals of the window that ended there.</summary>
public readonly record struct CurvePoint(long Ticks, RunTotals Window, double Epsilon, double TicksPerSecond)
{
    /// <summary>The learner's poison penalty λ then (<see cref="DqnAgent.PoisonPenalty"/>; it moves only with <see cref="DqnOptions.PoisonBudget"/>).</summary>
    public double PoisonPenalty { get; init; }
}

/// <summary>
/// A training run: the trained agent, its learning curve, and the tick of the checkpoint kept (the best-validated one;
/// the last tick without validation). <see cref="SelectedTicks"/>: every checkpoint in the brain, best first.
/// </summary>
public sealed record TrainingRun(DqnAgent Agent, IReadOnlyList<CurvePoint> Curve, long SelectedTick)
{
    public IReadOnlyList<long> SelectedTicks { get; init; } = [SelectedTick];

    /// <summary>Every validated checkpoint in tick order (none without <see cref="DqnOptions.SelectEvery"/>).</summary>
    public IReadOnlyList<Checkpoint> Checkpoints { get; init; } = [];
}

/// <summary>A copy of the network at a training tick and its validation score.</summary>
public sealed record Checkpoint(long Tick, Sequential Network, double Score);

/// <summary>The policies an evaluation compares, with their totals over the same world.</summary>
public sealed record EvaluationResult(string Policy, RunTotals Totals);

/// <summary>
/// The critter's two jobs as the CLI and the benchmarks run them: training a <see cref="DqnAgent"/> for a number of
/// ticks (with a learning curve), and testing a brain against the random and the always-straight policies.
/// Seeds: the agent draws from <c>seed</c>, its world from <c>seed + 1</c>; a test world from its own seed.
/// </summary>
public static class CritterTraining
{
    /// <summary>
    /// Trains a fresh agent with <paramref name="options"/> for <paramref name="ticks"/> ticks. Every
    /// <paramref name="window"/> ticks (and at the end) a <see cref="CurvePoint"/> joins the curve and goes to
    /// <paramref name="progress"/>; <paramref name="tick"/>, when given, hears every tick's count (for a progress bar).
    /// With <see cref="DqnOptions.SelectEvery"/> on, each checkpoint is copied and validated (<see cref="Validate(DqnOptions, Sequential, ulong)"/>)
    /// on another thread, one checkpoint after another, while training goes on: on two cores the validation costs no training
    /// time, and the scores do not depend on the threads. Training ends with the best-scored checkpoint's weights (the replay
    /// memory and optimizer state stay the last ones), or with <see cref="DqnOptions.SelectKeep"/> &gt; 1 with a new agent, learning
    /// off, around the mean of the best checkpoints (<see cref="QEnsemble.Fold"/>); <see cref="TrainingRun.SelectedTicks"/> says
    /// which. With <see cref="DqnOptions.AverageWeights"/>, the weights validated and kept are the averaged ones.
    /// </summary>
    public static TrainingRun Train(DqnOptions options, ulong seed, long ticks, int window = 10_000,
        Action<CurvePoint>? progress = null, Action<long, Simulation>? tick = null, CancellationToken ct = default)
    {
        if (ticks <= 0) throw new ArgumentOutOfRangeException(nameof(ticks), ticks, $"the number of training ticks must be positive, got {ticks}");
        if (window <= 0) throw new ArgumentOutOfRangeException(nameof(window), window, "the curve's window must be positive");
        var agent = new DqnAgent(options, seed);
        var sim = new Simulation(new World(seed + 1), agent);
        var curve = new List<CurvePoint>();
        var clock = Stopwatch.StartNew();
        var last = sim.Totals;
        double lastSeconds = 0;
        var checkpoints = new List<(long Tick, Sequential Network, Task<double> Score)>();
        Task validating = Task.CompletedTask;
        for (long t = 1; t <= ticks; t++)
        {
            sim.Tick();
            tick?.Invoke(t, sim);
            if (options.SelectEvery > 0 && t >= options.SelectFrom && (t - options.SelectFrom) % options.SelectEvery == 0)
            {
                var copy = QEnsemble.Fold([agent.AveragedNetwork ?? agent.Network]);
                var score = validating.ContinueWith(_ => Validate(options, copy, seed), ct, TaskContinuationOptions.None, TaskScheduler.Default);
                checkpoints.Add((t, copy, score));
                validating = score;
            }
            if (t % window == 0 || t == ticks)
            {
                ct.ThrowIfCancellationRequested();
                double now = clock.Elapsed.TotalSeconds;
                var w = sim.Totals - last;
                var point = new CurvePoint(t, w, agent.Epsilon, w.Ticks / Math.Max(1e-9, now - lastSeconds)) { PoisonPenalty = agent.PoisonPenalty };
                curve.Add(point);
                progress?.Invoke(point);
                (last, lastSeconds) = (sim.Totals, now);
            }
        }
        if (checkpoints.Count == 0)
        {
            if (agent.AveragedNetwork is { } averaged) Replace(agent, averaged);
            return new TrainingRun(agent, curve, ticks) { SelectedTicks = [ticks] };
        }
        Task.WaitAll([.. checkpoints.Select(c => c.Score)], ct);
        IReadOnlyList<Checkpoint> all = [.. checkpoints.Select(c => new Checkpoint(c.Tick, c.Network, c.Score.Result))];
        // The best scores first; a tie goes to the earlier checkpoint (a stable sort).
        var best = checkpoints.OrderByDescending(c => c.Score.Result).Take(options.SelectKeep).ToList();
        IReadOnlyList<long> selected = [.. best.Select(c => c.Tick)];
        if (best.Count == 1)
        {
            Replace(agent, best[0].Network);
            return new TrainingRun(agent, curve, best[0].Tick) { SelectedTicks = selected, Checkpoints = all };
        }
        var folded = QEnsemble.Fold([.. best.Select(c => c.Network)]);
        var hidden = DqnAgent.Layers(folded)[..^1].Select(l => l.OutFeatures).ToArray();
        var ensemble = new DqnAgent(options with { Hidden = hidden }, folded, seed) { Learning = false };
        return new TrainingRun(ensemble, curve, best[0].Tick) { SelectedTicks = selected, Checkpoints = all };

        static void Replace(DqnAgent agent, Sequential from)
        {
            foreach (var (p, w) in agent.Network.Parameters().Zip(from.Parameters())) w.Data.CopyTo(p.Data);
            agent.NetworkReplaced();
        }
    }

    /// <summary>
    /// The score of <paramref name="agent"/>'s network (the averaged one with <see cref="DqnOptions.AverageWeights"/>) in the
    /// validation worlds of <paramref name="seed"/>: <see cref="Validate(DqnOptions, Sequential, ulong)"/> with the agent's options.
    /// </summary>
    public static double Validate(DqnAgent agent, ulong seed) => Validate(agent.Options, agent.AveragedNetwork ?? agent.Network, seed);

    /// <summary>
    /// The mean score (<see cref="DqnOptions.SelectBy"/>) of <see cref="DqnOptions.SelectTicks"/> test ticks of <paramref name="network"/>
    /// (learning off, ε = <see cref="DqnOptions.EpsilonTest"/>) in each of the <see cref="DqnOptions.SelectWorlds"/> validation worlds
    /// of <paramref name="seed"/>: world k has seed seed + 1,000 + 10,000·k, its random actions seed + 2,000 + k.
    /// </summary>
    public static double Validate(DqnOptions o, Sequential network, ulong seed)
    {
        double sum = 0;
        for (int k = 0; k < o.SelectWorlds; k++)
        {
            var tested = new DqnAgent(o with { ReplaySize = 1 }, network, seed + 2_000 + (ulong)k) { Learning = false, TestEpsilon = o.EpsilonTest };
            var totals = Simulation.Run(tested, seed + 1_000 + 10_000 * (ulong)k, o.SelectTicks);
            sum += o.SelectBy == SelectionScore.Reward ? totals.Reward : World.AppleReward * totals.Apples - o.SelectPoison * totals.Poison;
        }
        return sum / o.SelectWorlds;
    }

    /// <summary>
    /// For each of <paramref name="networks"/> (learning off, ε = <paramref name="epsilon"/>), its apples in <paramref name="ticks"/> test
    /// ticks of each world of <paramref name="worldSeeds"/> as a share of <c>oracle-8</c>'s there (<see cref="AppleOracle"/>, one poison
    /// allowed per 8 apples), averaged over the worlds: the figure issue 16's targets are stated in. The networks run in parallel.
    /// </summary>
    public static double[] MeanShareOfOracle8(DqnOptions options, IReadOnlyList<Sequential> networks, IReadOnlyList<ulong> worldSeeds, long ticks, double epsilon)
    {
        if (worldSeeds.Count == 0) throw new ArgumentException("MeanShareOfOracle8: no test worlds");
        var ceilings = worldSeeds.Select(w => (double)Math.Max(1, AppleOracle.Run(w, ticks, applesPerPoison: 8).Apples)).ToArray();
        var shares = new double[networks.Count];
        Parallel.For(0, networks.Count, i =>
        {
            double sum = 0;
            for (int k = 0; k < worldSeeds.Count; k++)
            {
                var tested = new DqnAgent(options with { ReplaySize = 1 }, networks[i], worldSeeds[k] + 7) { Learning = false, TestEpsilon = epsilon };
                sum += Simulation.Run(tested, worldSeeds[k], ticks).Apples / ceilings[k];
            }
            shares[i] = sum / worldSeeds.Count;
        });
        return shares;
    }

    /// <summary>
    /// <paramref name="ticks"/> test ticks each for <paramref name="brain"/> (learning off, ε = <paramref name="epsilon"/>),
    /// the uniformly random policy and the always-straight policy, each in a fresh world of <paramref name="worldSeed"/>, and
    /// the ceilings of <see cref="AppleOracle"/> there: without poison ("oracle") and with one poison allowed per 8 apples ("oracle-8").
    /// </summary>
    public static IReadOnlyList<EvaluationResult> Evaluate(DqnAgent brain, long ticks, double epsilon, ulong worldSeed)
    {
        if (ticks <= 0) throw new ArgumentOutOfRangeException(nameof(ticks), ticks, $"the number of test ticks must be positive, got {ticks}");
        if (!(epsilon is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"ε must be in [0, 1], got {epsilon}");
        var tested = new DqnAgent(brain.Options with { ReplaySize = 1 }, brain.Network, worldSeed + 7) { Learning = false, TestEpsilon = epsilon };
        return
        [
            new("brain", Simulation.Run(tested, worldSeed, ticks)),
            new("random", Simulation.Run(new RandomBrain(worldSeed + 11), worldSeed, ticks)),
            new("straight", Simulation.Run(new StraightBrain(), worldSeed, ticks)),
            new("oracle", AppleOracle.Run(worldSeed, ticks)),
            new("oracle-8", AppleOracle.Run(worldSeed, ticks, applesPerPoison: 8)),
        ];
    }
}
