using System.Diagnostics;

namespace Theta.Rl;

/// <summary>A point of a learning curve: the ticks so far, and the totals of the window that ended there.</summary>
public readonly record struct CurvePoint(long Ticks, RunTotals Window, double Epsilon, double TicksPerSecond);

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
    /// With <see cref="DqnOptions.SelectEvery"/> on, the agent ends with the weights that did best in validation
    /// (<c>SelectedTick</c> says when they were; the replay memory and optimizer state stay the last ones), and the
    /// validation tests' time is left out of the curve's ticks per second. With <see cref="DqnOptions.AverageWeights"/>, the
    /// weights validated and kept are the averaged ones.
    /// </summary>
    public static (DqnAgent Agent, IReadOnlyList<CurvePoint> Curve, long SelectedTick) Train(DqnOptions options, ulong seed, long ticks, int window = 10_000,
        Action<CurvePoint>? progress = null, Action<long, Simulation>? tick = null, CancellationToken ct = default)
    {
        if (ticks <= 0) throw new ArgumentOutOfRangeException(nameof(ticks), ticks, $"the number of training ticks must be positive, got {ticks}");
        if (window <= 0) throw new ArgumentOutOfRangeException(nameof(window), window, "the curve's window must be positive");
        var agent = new DqnAgent(options, seed);
        var sim = new Simulation(new World(seed + 1), agent);
        var curve = new List<CurvePoint>();
        var clock = Stopwatch.StartNew();
        var last = sim.Totals;
        double lastSeconds = 0, validating = 0;
        float[][]? best = null;
        double bestScore = double.NegativeInfinity;
        long selected = ticks;
        for (long t = 1; t <= ticks; t++)
        {
            sim.Tick();
            tick?.Invoke(t, sim);
            if (options.SelectEvery > 0 && t >= options.SelectFrom && (t - options.SelectFrom) % options.SelectEvery == 0)
            {
                double start = clock.Elapsed.TotalSeconds;
                double score = Validate(agent, seed);
                if (score > bestScore)
                {
                    (bestScore, selected) = (score, t);
                    best = [.. (agent.AveragedNetwork ?? agent.Network).Parameters().Select(p => p.Data.ToArray())];
                }
                validating += clock.Elapsed.TotalSeconds - start;
            }
            if (t % window == 0 || t == ticks)
            {
                ct.ThrowIfCancellationRequested();
                double now = clock.Elapsed.TotalSeconds - validating;
                var w = sim.Totals - last;
                var point = new CurvePoint(t, w, agent.Epsilon, w.Ticks / Math.Max(1e-9, now - lastSeconds));
                curve.Add(point);
                progress?.Invoke(point);
                (last, lastSeconds) = (sim.Totals, now);
            }
        }
        if (best is null && agent.AveragedNetwork is { } averaged) best = [.. averaged.Parameters().Select(p => p.Data.ToArray())];
        if (best is not null && (selected != ticks || agent.AveragedNetwork is not null))
        {
            foreach (var (p, w) in agent.Network.Parameters().Zip(best)) w.CopyTo(p.Data);
            agent.NetworkReplaced();
        }
        return (agent, curve, best is null ? ticks : selected);
    }

    /// <summary>
    /// The score (<see cref="DqnOptions.SelectBy"/>) of <see cref="DqnOptions.SelectTicks"/> test ticks of <paramref name="agent"/>'s
    /// network (the averaged one with <see cref="DqnOptions.AverageWeights"/>) in the validation world of <paramref name="seed"/> (seed + 1,000).
    /// </summary>
    public static double Validate(DqnAgent agent, ulong seed)
    {
        var o = agent.Options;
        var tested = new DqnAgent(o with { ReplaySize = 1 }, agent.AveragedNetwork ?? agent.Network, seed + 2_000) { Learning = false, TestEpsilon = o.EpsilonTest };
        var totals = Simulation.Run(tested, seed + 1_000, o.SelectTicks);
        return o.SelectBy == SelectionScore.Reward ? totals.Reward : World.AppleReward * totals.Apples + World.PoisonReward * totals.Poison;
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
