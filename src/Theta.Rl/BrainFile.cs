using System.Globalization;
using Theta.Io;
using Theta.Nn;

namespace Theta.Rl;

/// <summary>
/// A critter's brain on disk: an ordinary Theta network file (<see cref="NetworkFile"/>: safetensors weights and
/// the architecture), with input shape [n + W·(n + 5)], the actions as class names, dataset <c>critter</c>, and
/// in its extra metadata the temporal window W and the options it was trained with. Written atomically.
/// </summary>
public static class BrainFile
{
    public const string Dataset = "critter";
    private const string WindowKey = "temporalWindow", MemoryKey = "memory", OptionsKey = "options", TicksKey = "ticks";

    /// <summary>The actions' names, as the file's classes.</summary>
    public static IReadOnlyList<string> ActionNames { get; } = ["straight", "left 0.2", "right 0.2", "right 0.5", "left 0.5"];

    /// <summary>Writes <paramref name="agent"/>'s Q-network (not its memory or optimizer) to <paramref name="path"/>.</summary>
    public static void Save(DqnAgent agent, string path, long trainedTicks = 0)
    {
        var o = agent.Options;
        var extra = new Dictionary<string, string>
        {
            [WindowKey] = o.TemporalWindow.ToString(CultureInfo.InvariantCulture),
            [MemoryKey] = o.Memory ? "true" : "false",
            [OptionsKey] = Describe(o),
            [TicksKey] = trainedTicks.ToString(CultureInfo.InvariantCulture),
        };
        NetworkFile.Save(agent.Network, path, new NetworkMetadata([o.NetInputs()], ActionNames, Dataset, extra));
    }

    /// <summary>
    /// Reads a brain: its network, temporal window and whether it has a memory (a file from before memory has none). A
    /// file that is not a critter's brain (another data set, a network for another input size or action count, layers
    /// other than Linear and ReLU) is a <see cref="ModelFormatException"/> whose message names the file and what is wrong.
    /// </summary>
    public static (Sequential Network, int TemporalWindow, bool Memory) Read(string path)
    {
        var model = NetworkFile.Read(path);
        var m = model.Metadata;
        if (m.Dataset != Dataset)
            throw new ModelFormatException($"{path}: not a critter's brain (its data set is {(m.Dataset is null ? "not named" : $"\"{m.Dataset}\"")}; theta critter train writes brains)");
        if (m.Extra is null || !m.Extra.TryGetValue(WindowKey, out var ws) || !int.TryParse(ws, NumberStyles.None, CultureInfo.InvariantCulture, out int window) || window > 16)
            throw new ModelFormatException($"{path}: the brain does not say its temporal window (extra metadata \"{WindowKey}\")");
        bool memory = false;
        if (m.Extra.TryGetValue(MemoryKey, out var ms) && !bool.TryParse(ms, out memory))
            throw new ModelFormatException($"{path}: extra metadata \"{MemoryKey}\" must be true or false, got \"{ms}\"");
        int expected = new DqnOptions { TemporalWindow = window, Memory = memory }.NetInputs();
        Linear[] layers;
        try { layers = DqnAgent.Layers(model.Network); }
        catch (ArgumentException e) { throw new ModelFormatException($"{path}: {e.Message}"); }
        if (layers[0].InFeatures != expected)
            throw new ModelFormatException($"{path}: the network takes {layers[0].InFeatures} inputs, but a critter with temporal window {window}{(memory ? " and memory" : "")} gives {expected} (a brain for another input size)");
        if (layers[^1].OutFeatures != Critter.ActionCount)
            throw new ModelFormatException($"{path}: the network has {layers[^1].OutFeatures} outputs, but the critter has {Critter.ActionCount} actions");
        return (model.Network, window, memory);
    }

    /// <summary>
    /// An agent around the brain in <paramref name="path"/>, with learning off (test-time ε): <paramref name="options"/>
    /// (default <see cref="DqnOptions.Reference"/>) with the file's temporal window, memory and hidden sizes (and no novelty pay
    /// without memory).
    /// </summary>
    public static DqnAgent Load(string path, ulong seed, DqnOptions? options = null)
    {
        var (net, window, memory) = Read(path);
        var layers = DqnAgent.Layers(net);
        var o = options ?? DqnOptions.Reference;
        o = o with { TemporalWindow = window, Memory = memory, NoveltyWeight = memory ? o.NoveltyWeight : 0f, Hidden = [.. layers[..^1].Select(l => l.OutFeatures)] };
        return new DqnAgent(o, net, seed) { Learning = false };
    }

    /// <summary>The options as <c>name=value</c> pairs, for the file's provenance.</summary>
    public static string Describe(DqnOptions o) => string.Join(", ",
        $"TemporalWindow={o.TemporalWindow}", $"Memory={o.Memory}", F("NoveltyWeight", o.NoveltyWeight), $"Hidden=[{string.Join(",", o.Hidden)}]", $"ReplaySize={o.ReplaySize}", $"LearnStart={o.LearnStart}",
        $"BatchSize={o.BatchSize}", F("Gamma", o.Gamma), $"NSteps={o.NSteps}", $"Optimizer={o.Optimizer}", F("LearningRate", o.LearningRate), $"AnnealSteps={o.AnnealSteps}", F("MinLearningRate", o.MinLearningRate), F("L2", o.L2),
        $"Loss={o.Loss}", F("HuberDelta", o.HuberDelta), $"TargetSync={o.TargetSync}", $"DoubleDqn={o.DoubleDqn}", $"Dueling={o.Dueling}",
        F("RewardScale", o.RewardScale), F("ProximityWeight", o.ProximityWeight), F("ForwardWeight", o.ForwardWeight), F("AppleReward", o.AppleReward), F("PoisonReward", o.PoisonReward), F("PoisonBudget", o.PoisonBudget), F("ApplesPerPoison", o.ApplesPerPoison), F("BudgetRate", o.BudgetRate), F("BudgetCeiling", o.BudgetCeiling), $"BudgetWindow={o.BudgetWindow}", F("ShapeApple", o.ShapeApple), F("ShapePoison", o.ShapePoison), $"UpdatesPerTick={o.UpdatesPerTick}", F("PriorityAlpha", o.PriorityAlpha), F("PriorityBeta", o.PriorityBeta), $"PriorityBetaSteps={o.PriorityBetaSteps}",
        $"SelectEvery={o.SelectEvery}", $"SelectFrom={o.SelectFrom}", $"SelectTicks={o.SelectTicks}", $"SelectWorlds={o.SelectWorlds}", $"SelectKeep={o.SelectKeep}", $"SelectBy={o.SelectBy}", F("SelectPoison", o.SelectPoison), F("AverageWeights", o.AverageWeights),
        $"EpsilonBurnIn={o.EpsilonBurnIn}", $"EpsilonSteps={o.EpsilonSteps}", F("EpsilonMin", o.EpsilonMin), F("EpsilonTest", o.EpsilonTest));

    private static string F(string name, float v) => $"{name}={v.ToString("R", CultureInfo.InvariantCulture)}";
}
