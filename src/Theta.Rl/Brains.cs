namespace Theta.Rl;

/// <summary>
/// What drives a critter, tick by tick: <see cref="Act"/> on the current observation (the 27 eye inputs),
/// <see cref="Observe(double, ReadOnlySpan{float})"/> the reward that action earned and the observation that followed, then
/// <see cref="Learn"/> (one step, or nothing for a fixed policy).
/// </summary>
public interface ICritterBrain
{
    /// <summary>The observation's size: the 27 eye inputs, and after them <see cref="CritterMemory.Inputs"/> more for a brain with memory.</summary>
    int Inputs => Critter.Inputs;

    /// <summary>The action (0..4, <see cref="Critter.Actions"/>) for <paramref name="observation"/>.</summary>
    int Act(ReadOnlySpan<float> observation);

    /// <summary>The reward of the last action and the next observation (which the next <see cref="Act"/> receives).</summary>
    void Observe(double reward, ReadOnlySpan<float> next);

    /// <summary>
    /// The whole outcome of the last action (the world's reward and its parts) and the next observation; what
    /// <see cref="Simulation"/> calls. By default the world's reward goes to <see cref="Observe(double, ReadOnlySpan{float})"/>.
    /// </summary>
    void Observe(TickResult result, ReadOnlySpan<float> next) => Observe(result.Reward, next);

    /// <summary>One learning step; returns its loss, or NaN when nothing was learned.</summary>
    double Learn();
}

/// <summary>The baseline: each action uniformly at random.</summary>
public sealed class RandomBrain(ulong seed) : ICritterBrain
{
    private readonly Rng _rng = new(seed);
    public int Act(ReadOnlySpan<float> observation) => _rng.NextInt(Critter.ActionCount);
    public void Observe(double reward, ReadOnlySpan<float> next) { }
    public double Learn() => double.NaN;
}

/// <summary>The other baseline: always straight ahead (it ends up pressed against a wall).</summary>
public sealed class StraightBrain : ICritterBrain
{
    public int Act(ReadOnlySpan<float> observation) => Critter.Straight;
    public void Observe(double reward, ReadOnlySpan<float> next) { }
    public double Learn() => double.NaN;
}
