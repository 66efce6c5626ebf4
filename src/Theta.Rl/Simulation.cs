namespace Theta.Rl;

/// <summary>Totals over a stretch of ticks: apples, poisons, reward.</summary>
public readonly record struct RunTotals(long Ticks, long Apples, long Poison, double Reward)
{
    /// <summary>Mean reward per tick (0 over no ticks).</summary>
    public double RewardPerTick => Ticks == 0 ? 0 : Reward / Ticks;

    /// <summary>Apples per poison (infinity with apples and no poison, 0 with neither).</summary>
    public double ApplesPerPoison => Poison == 0 ? (Apples == 0 ? 0 : double.PositiveInfinity) : (double)Apples / Poison;

    public RunTotals Add(TickResult t) => new(Ticks + 1, Apples + t.Apples, Poison + t.Poison, Reward + t.Reward);

    public static RunTotals operator -(RunTotals a, RunTotals b) => new(a.Ticks - b.Ticks, a.Apples - b.Apples, a.Poison - b.Poison, a.Reward - b.Reward);
}

/// <summary>
/// A world and the brain that drives its critter, ticked in the reference's order: sense (done at the end of the
/// previous tick, or at the start), act, move / eat / expire / spawn / reward (<see cref="World.Step"/>), sense the
/// next observation, observe, learn.
/// </summary>
public sealed class Simulation
{
    private readonly float[] _obs;
    private readonly CritterMemory? _memory;

    /// <summary>A simulation of <paramref name="brain"/> in <paramref name="world"/>; a brain with memory gets a fresh <see cref="CritterMemory"/>.</summary>
    public Simulation(World world, ICritterBrain brain)
    {
        World = world;
        Brain = brain;
        int n = brain.Inputs;
        if (n != Critter.Inputs && n != Critter.Inputs + CritterMemory.Inputs)
            throw new ArgumentException($"Simulation: the brain takes {n} observations, but a critter gives {Critter.Inputs} (eyes) or {Critter.Inputs + CritterMemory.Inputs} (eyes and memory)");
        _obs = new float[n];
        if (n > Critter.Inputs) _memory = new CritterMemory();
        Sense();
    }

    /// <summary>The critter's memory, or null for a brain without one.</summary>
    public CritterMemory? Memory => _memory;

    // The eyes, then the memory (its novelty returned; 0 without memory).
    private double Sense()
    {
        World.Sense(_obs);
        if (_memory is null) return 0;
        double novelty = _memory.Update(World);
        _memory.Write(World, _obs.AsSpan(Critter.Inputs));
        return novelty;
    }

    public World World { get; }
    public ICritterBrain Brain { get; }

    /// <summary>Everything since the start.</summary>
    public RunTotals Totals { get; private set; }

    /// <summary>The last tick's action (−1 before any).</summary>
    public int LastAction { get; private set; } = -1;

    /// <summary>The last tick's outcome.</summary>
    public TickResult Last { get; private set; }

    /// <summary>The loss of the last learning step (NaN when none was taken).</summary>
    public double LastLoss { get; private set; } = double.NaN;

    /// <summary>The current observation (the 27 eye inputs, then the memory's, that the next action will see).</summary>
    public ReadOnlySpan<float> Observation => _obs;

    /// <summary>One tick.</summary>
    public TickResult Tick()
    {
        int a = Brain.Act(_obs);
        var r = World.Step(a);
        double novelty = Sense();
        if (_memory is not null) r = r with { Novelty = novelty };
        Brain.Observe(r, _obs);
        LastLoss = Brain.Learn();
        LastAction = a;
        Last = r;
        Totals = Totals.Add(r);
        return r;
    }

    /// <summary>
    /// <paramref name="ticks"/> ticks of <paramref name="brain"/> in a fresh world of <paramref name="worldSeed"/>:
    /// the totals. Learning happens only if the brain learns (a <see cref="DqnAgent"/> with <see cref="DqnAgent.Learning"/> off does not).
    /// </summary>
    public static RunTotals Run(ICritterBrain brain, ulong worldSeed, long ticks)
    {
        if (ticks <= 0) throw new ArgumentOutOfRangeException(nameof(ticks), ticks, "the number of ticks must be positive");
        var sim = new Simulation(new World(worldSeed), brain);
        for (long t = 0; t < ticks; t++) sim.Tick();
        return sim.Totals;
    }
}
