using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Theta.Io;
using Theta.Nn;
using Theta.Optim;

namespace Theta.Training;

// Checkpoints: a network file (architecture + weights, readable by NetworkFile.Load) plus the
// optimizer's buffers as tensors "optimizer.{i}.{name}" and, under __metadata__["theta-checkpoint"],
// everything else the next step depends on: epoch, global step, the optimizer's step count and
// learning rate, the shuffler's and every Dropout's Rng state, and the history so far. Doubles and
// floats are written as round-trip strings ("R"), so a resumed run continues bit for bit.
public sealed partial class Trainer
{
    /// <summary>Writes a checkpoint of the run so far to <paramref name="path"/>, atomically.</summary>
    public void SaveCheckpoint(string path)
    {
        var opt = Optimizer.GetState();
        var state = new JsonObject
        {
            ["version"] = 1,
            ["epoch"] = EpochsDone,
            ["globalStep"] = _globalStep,
            ["trainRows"] = _trainRows,
            ["optimizer"] = new JsonObject { ["type"] = Optimizer.GetType().Name, ["stepCount"] = opt.StepCount, ["learningRate"] = R(opt.LearningRate) },
            ["shuffle"] = RngJson(_shuffle.GetState()),
            ["dropout"] = new JsonObject(Dropouts(Model, "").Select(d => KeyValuePair.Create(d.Path, (JsonNode?)RngJson(d.Layer.Rng.GetState())))),
            ["history"] = new JsonArray([.. _history.Select(e => (JsonNode)new JsonObject
            {
                ["epoch"] = e.Epoch, ["trainLoss"] = R(e.TrainLoss), ["trainAccuracy"] = R(e.TrainAccuracy),
                ["valLoss"] = e.ValLoss is double vl ? R(vl) : null, ["valAccuracy"] = e.ValAccuracy is double va ? R(va) : null,
                ["seconds"] = R(e.Seconds),
            })]),
            ["stoppedEarly"] = History.StoppedEarly,
            ["stopReason"] = History.StopReason,
        };
        var buffers = opt.Buffers.Select(kv => (CheckpointFormat.TensorName(kv.Key), Tensor.FromArray(kv.Value)));
        NetworkFile.Write(Model, path, Options.CheckpointMetadata, buffers, new Dictionary<string, string> { [CheckpointFormat.Key] = state.ToJsonString() });
    }

    /// <summary>
    /// A trainer that continues the run saved in <paramref name="checkpointPath"/>: the network is
    /// rebuilt from the file, <paramref name="makeOptimizer"/> makes an optimizer of the same kind
    /// over its parameters, and its state, the shuffler's and the history are restored. Calling
    /// <c>Fit</c> with the same data then ends bit-identical to an uninterrupted run.
    /// </summary>
    public static Trainer Resume(string checkpointPath, Func<Module, Optimizer> makeOptimizer, TrainerOptions options)
    {
        var (module, _, _, _) = NetworkFile.ReadCore(checkpointPath);
        var trainer = new Trainer(module, makeOptimizer(module), options);
        trainer.ResumeFrom(checkpointPath);
        return trainer;
    }

    /// <summary>
    /// Restores this trainer's model, optimizer, shuffler, Dropout generators and history from
    /// <paramref name="checkpointPath"/>. Everything is validated before anything changes: a file for
    /// another architecture or optimizer is a <see cref="ModelFormatException"/> and leaves the trainer as it was.
    /// </summary>
    /// <returns>The number of epochs already done; <c>Fit</c> continues with the next.</returns>
    public int ResumeFrom(string checkpointPath)
    {
        var (saved, _, reader, raw) = NetworkFile.ReadCore(checkpointPath);
        if (!raw.TryGetValue(CheckpointFormat.Key, out var json))
            throw new ModelFormatException($"{checkpointPath}: a model file without training state (__metadata__[\"{CheckpointFormat.Key}\"]); not a checkpoint");
        string mine = NetworkArchitecture.ToJson(Model).ToJsonString(), theirs = NetworkArchitecture.ToJson(saved).ToJsonString();
        if (mine != theirs)
            throw new ModelFormatException($"{checkpointPath}: the checkpoint is for another architecture: expected {mine}, the file has {theirs}");
        JsonObject s;
        long step, globalStep;
        float lr;
        int? rows;
        RngState shuffle;
        Dictionary<string, RngState> dropout;
        List<EpochRecord> history;
        bool stoppedEarly;
        string? stopReason;
        try
        {
            s = JsonNode.Parse(json)!.AsObject();
            var o = s["optimizer"]!.AsObject();
            string type = o["type"]!.GetValue<string>();
            if (type != Optimizer.GetType().Name)
                throw new ModelFormatException($"{checkpointPath}: the checkpoint was written with the {type} optimizer; this trainer uses {Optimizer.GetType().Name}");
            step = o["stepCount"]!.GetValue<long>();
            lr = float.Parse(o["learningRate"]!.GetValue<string>(), CultureInfo.InvariantCulture);
            globalStep = s["globalStep"]!.GetValue<long>();
            rows = s["trainRows"]?.GetValue<int>();
            shuffle = ReadRng(s["shuffle"]);
            dropout = s["dropout"]!.AsObject().ToDictionary(kv => kv.Key, kv => ReadRng(kv.Value));
            history = [.. s["history"]!.AsArray().Select(e => new EpochRecord(e!["epoch"]!.GetValue<int>(),
                D(e["trainLoss"])!.Value, D(e["trainAccuracy"])!.Value, D(e["valLoss"]), D(e["valAccuracy"]), D(e["seconds"])!.Value))];
            stoppedEarly = s["stoppedEarly"]!.GetValue<bool>();
            stopReason = s["stopReason"]?.GetValue<string>();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NullReferenceException or ArgumentException)
        {
            throw new ModelFormatException($"{checkpointPath}: the training state (__metadata__[\"{CheckpointFormat.Key}\"]) is malformed: {e.Message}");
        }
        var buffers = Optimizer.GetState().Buffers.ToDictionary(kv => kv.Key, kv => reader.Tensor(CheckpointFormat.TensorName(kv.Key), kv.Value.Length).ToArray());
        reader.CheckAllTensorsUsed();
        var layers = Dropouts(Model, "").ToList();
        if (layers.Count != dropout.Count || layers.Any(d => !dropout.ContainsKey(d.Path)))
            throw new ModelFormatException($"{checkpointPath}: the checkpoint has Rng states for dropout layers [{string.Join(", ", dropout.Keys)}], the model has [{string.Join(", ", layers.Select(d => d.Path))}]");

        // Everything checked: now change the trainer.
        foreach (var ((_, p), (_, q)) in Model.NamedParameters().Zip(saved.NamedParameters())) q.Data.CopyTo(p.Data);
        Optimizer.SetState(new OptimizerState(step, lr, buffers));
        _shuffle.SetState(shuffle);
        foreach (var (path, layer) in layers) layer.Rng.SetState(dropout[path]);
        _history.Clear();
        _history.AddRange(history);
        _globalStep = globalStep;
        _trainRows = rows;
        History = new TrainingHistory([.. _history], stoppedEarly, stopReason);
        return EpochsDone;
    }

    private static IEnumerable<(string Path, Dropout Layer)> Dropouts(Module m, string path)
    {
        if (m is Dropout d) yield return (path, d);
        foreach (var (name, child) in m.NamedChildren())
            foreach (var x in Dropouts(child, path.Length == 0 ? name : $"{path}.{name}")) yield return x;
    }

    private static JsonNode RngJson(RngState s) => new JsonArray(s.S0, s.S1, s.S2, s.S3, s.SpareNormal is double v ? R(v) : null);

    private static RngState ReadRng(JsonNode? n)
    {
        var a = n!.AsArray();
        return new RngState(a[0]!.GetValue<uint>(), a[1]!.GetValue<uint>(), a[2]!.GetValue<uint>(), a[3]!.GetValue<uint>(), D(a[4]));
    }

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    private static string R(float v) => v.ToString("R", CultureInfo.InvariantCulture);
    private static double? D(JsonNode? n) => n is null ? null : double.Parse(n.GetValue<string>(), CultureInfo.InvariantCulture);
}
