using System.Text.Json;
using Theta.Data;
using Theta.Optim;
using Theta.Training;
using Theta.Nn;

namespace Theta.Web;

/// <summary>
/// Everything the playground page can set, validated: a value out of its range throws <see cref="ArgumentException"/>
/// naming the field and the range. The JSON form is <c>{"type":"config", "dataset":"circle", …}</c>, every field optional.
/// </summary>
internal sealed record PlaygroundConfig
{
    public const int MaxLayers = 6, MaxUnits = 8, MaxBatch = 100, MinPoints = 20, MaxPoints = 1000;
    public static readonly string[] Datasets = ["circle", "xor", "gauss", "spiral", "gauss3", "spiral3", "plane", "multigauss"];
    public static readonly string[] ActivationNames = ["tanh", "sigmoid", "relu", "linear"];
    public static readonly string[] OptimizerNames = ["sgd", "momentum", "adam"];
    public static readonly string[] LossNames = ["bce", "squared"];
    public static readonly string[] RegNames = ["none", "l1", "l2"];

    public string Dataset { get; init; } = "circle";
    public float Noise { get; init; }
    public float TrainRatio { get; init; } = 0.5f;
    public int Points { get; init; } = 500;
    public int Seed { get; init; } = 1;
    public int Features { get; init; } = (int)(Feature2D.X1 | Feature2D.X2);
    public int[] Layers { get; init; } = [4, 2];
    /// <summary>One activation per hidden layer (a shorter list repeats its last entry).</summary>
    public string[] Activations { get; init; } = ["tanh"];
    public string Loss { get; init; } = "bce";
    public string Optimizer { get; init; } = "adam";
    public float LearningRate { get; init; } = 0.03f;
    public string Reg { get; init; } = "none";
    public float RegRate { get; init; }
    public int BatchSize { get; init; } = 10;
    public float Dropout { get; init; }
    /// <summary>Epochs trained per frame (30 frames a second) while playing: 1 (the default) lets a class watch the network learn; 0 = as many as fit in a frame.</summary>
    public int Speed { get; init; } = 1;

    public Toy2DKind Kind => Array.IndexOf(Datasets, Dataset) switch
    {
        0 => Toy2DKind.Circle, 1 => Toy2DKind.Xor, 2 => Toy2DKind.Gaussians, 3 => Toy2DKind.Spiral, 4 => Toy2DKind.Gaussians3, 5 => Toy2DKind.Spiral3,
        6 => Toy2DKind.RegressPlane, _ => Toy2DKind.RegressGaussians,
    };

    /// <summary>The library's options for these settings (the page's names mapped to the library's enums).</summary>
    public ToyNetworkOptions ToOptions() => new(
        (Feature2D)Features, Layers, [.. Activations.Select(a => Enum.Parse<Activation>(a, ignoreCase: true))], Dropout,
        Loss == "squared" ? ToyLoss.SquaredError : ToyLoss.LogLikelihood, Enum.Parse<OptimizerKind>(Optimizer, ignoreCase: true),
        LearningRate, Reg == "l1" ? RegRate : 0, Reg == "l2" ? RegRate : 0, BatchSize, (ulong)Seed);

    /// <summary>This config with the fields present in <paramref name="e"/> replaced, validated.</summary>
    public PlaygroundConfig With(JsonElement e)
    {
        var c = this;
        foreach (var p in e.EnumerateObject())
        {
            var v = p.Value;
            c = p.Name switch
            {
                "type" => c,
                "dataset" => c with { Dataset = OneOf(v, p.Name, Datasets) },
                "noise" => c with { Noise = Range(v, p.Name, 0, 1) },
                "trainRatio" => c with { TrainRatio = Range(v, p.Name, 0.1f, 0.9f) },
                "points" => c with { Points = IntRange(v, p.Name, MinPoints, MaxPoints) },
                "seed" => c with { Seed = IntRange(v, p.Name, 0, int.MaxValue) },
                "features" => c with { Features = IntRange(v, p.Name, 1, 127) },
                "layers" => c with { Layers = LayerSizes(v) },
                "activations" => c with { Activations = ActivationList(v) },
                "loss" => c with { Loss = OneOf(v, p.Name, LossNames) },
                "optimizer" => c with { Optimizer = OneOf(v, p.Name, OptimizerNames) },
                "learningRate" => c with { LearningRate = Range(v, p.Name, 1e-5f, 10) },
                "reg" => c with { Reg = OneOf(v, p.Name, RegNames) },
                "regRate" => c with { RegRate = Range(v, p.Name, 0, 1) },
                "batchSize" => c with { BatchSize = IntRange(v, p.Name, 1, MaxBatch) },
                "dropout" => c with { Dropout = Range(v, p.Name, 0, 0.9f) },
                "speed" => c with { Speed = IntRange(v, p.Name, 0, 100) },
                _ => throw new ArgumentException($"config: unknown field \"{p.Name}\""),
            };
        }
        return c;
    }

    private static int[] LayerSizes(JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Array) throw new ArgumentException("config: layers must be an array of unit counts, e.g. [4, 2]");
        if (v.GetArrayLength() > MaxLayers) throw new ArgumentException($"config: {v.GetArrayLength()} hidden layers; at most {MaxLayers}");
        return [.. v.EnumerateArray().Select(u => IntRange(u, "units in a layer", 1, MaxUnits))];
    }

    private static string[] ActivationList(JsonElement v)
    {
        if (v.ValueKind == JsonValueKind.String) return [OneOf(v, "activation", ActivationNames)];
        if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() is 0 or > MaxLayers)
            throw new ArgumentException($"config: activations must be a name or an array of 1–{MaxLayers} names ({string.Join(", ", ActivationNames)})");
        return [.. v.EnumerateArray().Select(a => OneOf(a, "activation", ActivationNames))];
    }

    private static string OneOf(JsonElement v, string name, string[] allowed)
    {
        string? s = v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        if (s is null || !allowed.Contains(s)) throw new ArgumentException($"config: {name} must be one of {string.Join(", ", allowed)}");
        return s;
    }

    private static float Range(JsonElement v, string name, float lo, float hi)
    {
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out double d) || !double.IsFinite(d) || d < lo || d > hi)
            throw new ArgumentException($"config: {name} must be a number in [{lo}, {hi}], not {v.GetRawText()}");
        return (float)d;
    }

    private static int IntRange(JsonElement v, string name, int lo, int hi)
    {
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int i) || i < lo || i > hi)
            throw new ArgumentException($"config: {name} must be a whole number in [{lo}, {hi}], not {v.GetRawText()}");
        return i;
    }
}
