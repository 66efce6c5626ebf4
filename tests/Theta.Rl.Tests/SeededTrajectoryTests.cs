namespace Theta.Rl.Tests;

// The critter's seeded trajectories, pinned bit for bit. The learning step went from a span kernel of its own
// (QNetwork, over the GEMM) to Theta's autograd (issue 18, item 4); the trained weights must not have moved by one bit,
// so that every figure measured before (docs/benchmarks.md, issue 16's tables) still holds for the same seed.
// Provenance: the checksums below were recorded from the span-kernel engine (main at 319d88f) by this very test (commit
// 6bfff14), then the engine was replaced and the test run again unchanged; every weight was also compared one by one
// between the two engines (all 47,035 equal). Recorded on an AVX2+FMA machine; Kernels/Isa.cs promises the GEMM's
// other paths the same bits (the portable one checked: THETA_ISA=portable passes).
public class SeededTrajectoryTests
{
    public static TheoryData<string, ulong, long, long> Runs => new()
    {
        // preset, FNV-1a of the weights' bits after 5,000 ticks (about 4,000 learning steps), apples, poisons
        { "reference", 0xCE7401EF48D957F5UL, 13, 10 },
        { "best", 0xDB4BBBAC2F574B94UL, 11, 11 },
        { "best-dueling", 0x6E72D53C27115192UL, 11, 12 },
        { "reference-dueling-prioritized-averaged", 0x6367DFFCB5E507F7UL, 14, 6 },
        { "best-memory", 0x5F9F3FFEF223E318UL, 6, 7 },
        { "best-memory-budget", 0x5A26068892F8BEEEUL, 17, 14 },
    };

    // DqnOptions.Best as it was recorded, before issue 16's third round gave it a memory and checkpoints chosen with a poison
    // costing 15 (the choice never runs in these 5,000 ticks; set back for the record).
    private static readonly DqnOptions Recorded = DqnOptions.Best with { Memory = false, SelectPoison = -(float)World.PoisonReward, ApplesPerPoison = 0, BudgetWindow = 20_000 };

    private static DqnOptions Preset(string name) => name switch
    {
        "reference" => DqnOptions.Reference,
        "best" => Recorded,
        "best-dueling" => Recorded with { Dueling = true },
        // the critter's memory (recorded when it was added, not from the old engine): its inputs and their history in replay
        "best-memory" => Recorded with { Memory = true },
        // the poison budget's λ (issue 16's fourth round): ε at its floor by 4,000 ticks and λ updated every 100 greedy ticks, so that it moves
        "best-memory-budget" => Recorded with { Memory = true, ApplesPerPoison = 12, BudgetWindow = 100, EpsilonSteps = 4_000 },
        // SGD with L2 on a dueling head, prioritised replay's weights, two updates a tick and the averaged network
        "reference-dueling-prioritized-averaged" => DqnOptions.Reference with { Dueling = true, PriorityAlpha = 0.6f, UpdatesPerTick = 2, AverageWeights = 0.01f },
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public void Seeded_training_gives_the_recorded_weights_to_the_bit(string preset, ulong checksum, long apples, long poison)
    {
        var agent = new DqnAgent(Preset(preset), 7);
        var totals = Simulation.Run(agent, 8, 5_000);
        ulong actual = Checksum(agent);
        if (agent.Options.HasPoisonBudget) Assert.True(agent.BudgetUpdates > 0 && agent.PoisonPenalty != 6, $"λ never moved: {agent.BudgetUpdates} updates, λ = {agent.PoisonPenalty}");
        Assert.True(actual == checksum && totals.Apples == apples && totals.Poison == poison,
            $"{preset}: weights 0x{actual:X16}UL, {totals.Apples} apples, {totals.Poison} poisons; recorded 0x{checksum:X16}UL, {apples}, {poison}");
    }

    // FNV-1a (64 bits) over the bit patterns of every parameter of the network, the target and the averaged network, in order.
    internal static ulong Checksum(DqnAgent agent)
    {
        ulong h = 0xCBF29CE484222325UL;
        foreach (var net in new[] { agent.Network, agent.TargetNetwork, agent.AveragedNetwork })
            foreach (var p in net?.Parameters() ?? [])
                foreach (float v in p.Data)
                {
                    uint bits = BitConverter.SingleToUInt32Bits(v);
                    for (int b = 0; b < 4; b++, bits >>= 8) h = (h ^ (bits & 0xFF)) * 0x100000001B3UL;
                }
        return h;
    }
}
