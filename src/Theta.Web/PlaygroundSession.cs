using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Theta.Data;
using Theta.Nn;
using Theta.Training;

namespace Theta.Web;

/// <summary>
/// One page's 2-D playground: its points and its model (<see cref="ToyNetwork"/>, where all the model logic lives),
/// trained in a background loop while playing; this class holds the wire format only. Wire format (also at the top
/// of <c>wwwroot/playground.js</c>), little-endian:
/// <list type="bullet">
/// <item>page → server, text JSON <c>{"type":"config",…}</c> (see <see cref="PlaygroundConfig"/>), <c>play</c>, <c>pause</c>,
/// <c>step</c> (one epoch), <c>reset</c>, <c>add {x1,x2,label}</c>, <c>remove {x1,x2}</c>, <c>csv {text}</c>,
/// <c>weight {layer,to,from,value}</c>, <c>bias {layer,unit,value}</c>, <c>download</c>, <c>hidden</c> / <c>visible</c>
/// (the page left or came back to the screen: no frames while hidden, training goes on);</item>
/// <item>server → page, binary frame: <c>[1][classes][u16 G][u16 g][u16 L]</c>, <c>u32 epoch</c>, float32 train loss,
/// test loss, train accuracy, test accuracy, then <c>L+1</c> u16 layer widths (features, hidden…, outputs) padded to 4 bytes;
/// the output heatmap G·G bytes (P(class 1)·255; three classes: G·G·3 bytes, the probabilities; regression, classes = 1:
/// 128 + 127·clamp(value, −1, 1)); every feature's and hidden unit's heatmap, g·g bytes each (128 + 127·v/max(1, |v|max));
/// then per layer float32 weights [out, in] and biases [out];</item>
/// <item>server → page, binary download: <c>[2]</c> then a network file (what <c>theta summary</c> reads);</item>
/// <item>server → page, text JSON <c>{"type":"points"|"config"|"error"|"load",…}</c> (load: the frame rate the
/// <see cref="FrameGovernor"/> allows each page now, and a sentence for the page when it is under 30) (a regression set's points carry their target: <c>[x1, x2, 0, target]</c>).</item>
/// </list>
/// </summary>
internal sealed class PlaygroundSession
{
    public const int Grid = 50, UnitGrid = 20, MaxCsvRows = 2000, FrameMs = 33;
    private readonly object _gate = new();
    private PlaygroundConfig _config = new();
    private Point2D[] _train = [], _test = [];
    private ToyNetwork _model = null!;
    private Rng _rng = new(1); // shuffles a loaded CSV
    private int _classes = 2;  // 1: regression
    private bool _regression;
    private bool _playing;

    private readonly FrameGovernor _governor;
    private bool _hidden;     // the page is not on screen: it trains on, but gets no frames until it is back
    private int _reportedFps = FrameGovernor.MaxFps;

    /// <param name="governor">The frame rate shared by the server's playground sessions (a new one of its own when null).</param>
    public PlaygroundSession(FrameGovernor? governor = null) { _governor = governor ?? new FrameGovernor(); Regenerate(); Rebuild(); }

    /// <summary>Talks to one page until it closes: commands in, frames out (30 a second while playing).</summary>
    public Task RunAsync(WebSocket ws, int maxBytes, CancellationToken ct) =>
        SessionLoop.RunAsync(ws, maxBytes, [new(PointsJson(), false), new(Frame(), true)], Train,
            m => [.. Handle(m).Select(r => new Outgoing(r.Item1, r.Item2))], ct);

    // Trains while playing: Speed epochs a frame (0: as many as fit in 60 % of the frame), never past that budget; the
    // frame's length is the governor's (33 ms, longer under load). Before a frame, the page hears when that length changed.
    private Task Train(Func<Outgoing, Task> send, CancellationToken stop) => SessionLoop.Paced(elapsed =>
    {
        lock (_gate)
        {
            if (!_playing) return (null, FrameMs);
            int frameMs = _governor.FrameMs, epochs = 0, speed = _config.Speed;
            do { _model.TrainEpoch(_train); epochs++; }
            while ((speed == 0 || epochs < speed) && elapsed() < frameMs * 6 / 10);
            return (_hidden ? null : new Outgoing(Frame(), true), frameMs);
        }
    }, async frame => { if (LoadNote() is { } note) await send(note); await send(frame); }, stop);

    // {"type":"load","fps":…,"message":…} when the governed frame rate moved by a frame a second or more since the last note.
    private Outgoing? LoadNote()
    {
        int fps = (int)Math.Round(_governor.Fps);
        if (Math.Abs(fps - _reportedFps) < 1) return null;
        _reportedFps = fps;
        string message = fps >= FrameGovernor.MaxFps ? "" : $"many pages are open: this server sends {fps} frames a second (of {FrameGovernor.MaxFps}) to each";
        return new Outgoing(Encoding.UTF8.GetBytes(new JsonObject { ["type"] = "load", ["fps"] = fps, ["message"] = message }.ToJsonString()), false);
    }

    /// <summary>Answers one message: the replies to send (JSON texts and binary frames).</summary>
    public List<(byte[], bool)> Handle(WsMessage m)
    {
        using var doc = m.ParseTypedJson("the playground", out string type);
        var root = doc.RootElement;
        lock (_gate)
        {
            switch (type)
            {
                case "config":
                    {
                        var next = _config.With(root);
                        var old = _config;
                        _config = next;
                        bool data = old.Dataset != next.Dataset || old.Noise != next.Noise || old.TrainRatio != next.TrainRatio || old.Points != next.Points || old.Seed != next.Seed;
                        if (data) Regenerate();
                        bool arch = data || old.Features != next.Features || !old.Layers.SequenceEqual(next.Layers) || !old.Activations.SequenceEqual(next.Activations)
                            || old.Dropout != next.Dropout || old.Loss != next.Loss;
                        if (arch) Rebuild(); else _model.Retune(next.ToOptions());
                        return data ? [(PointsJson(), false), (Frame(), true)] : [(Frame(), true)];
                    }
                case "play": _playing = true; return [];
                case "pause": _playing = false; return [(Frame(), true)];
                case "step": _playing = false; _model.TrainEpoch(_train); return [(Frame(), true)];
                case "reset": Rebuild(); return [(Frame(), true)];
                case "add":
                    {
                        float x1 = Coord(root, "x1"), x2 = Coord(root, "x2");
                        int label = root.GetProperty("label").GetInt32();
                        if (label < 0 || label > 2) throw new ArgumentException($"add: label must be 0, 1 or 2, not {label}");
                        if (_train.Length + _test.Length >= MaxCsvRows) throw new ArgumentException($"add: at most {MaxCsvRows} points");
                        // A regression set takes a point of target +1 (label 1) or −1 (label 0).
                        _train = [.. _train, _regression ? new Point2D(x1, x2, 0, label == 1 ? 1 : -1) : new Point2D(x1, x2, label)];
                        return Changed();
                    }
                case "remove":
                    {
                        float x1 = Coord(root, "x1"), x2 = Coord(root, "x2");
                        static float D(Point2D p, float a, float b) => (p.X1 - a) * (p.X1 - a) + (p.X2 - b) * (p.X2 - b);
                        var all = _train.Select(p => (p, train: true)).Concat(_test.Select(p => (p, train: false))).ToList();
                        if (all.Count == 0) return [];
                        var near = all.MinBy(q => D(q.p, x1, x2));
                        if (D(near.p, x1, x2) > 0.5f * 0.5f) return [];
                        if (near.train) _train = [.. _train.Where(p => p != near.p)]; else _test = [.. _test.Where(p => p != near.p)];
                        return Changed();
                    }
                case "csv": LoadCsv(root.GetProperty("text").GetString() ?? ""); return Changed();
                case "weight":
                    {
                        var l = LayerAt(root);
                        int to = root.GetProperty("to").GetInt32(), from = root.GetProperty("from").GetInt32();
                        if (to < 0 || to >= l.OutFeatures || from < 0 || from >= l.InFeatures) throw new ArgumentException($"weight: this layer has {l.OutFeatures}×{l.InFeatures} weights");
                        l.Weight.Data[to * l.InFeatures + from] = Value(root);
                        return [(Frame(), true)];
                    }
                case "bias":
                    {
                        var l = LayerAt(root);
                        int unit = root.GetProperty("unit").GetInt32();
                        if (unit < 0 || unit >= l.OutFeatures) throw new ArgumentException($"bias: this layer has {l.OutFeatures} units");
                        l.Bias!.Data[unit] = Value(root);
                        return [(Frame(), true)];
                    }
                case "download": return [(NetworkFileBytes(), true)];
                case "hidden": _hidden = true; return [];
                case "visible": _hidden = false; return [(Frame(), true)];
                case var other: throw new ArgumentException($"unknown message type \"{other}\" (config, play, pause, step, reset, add, remove, csv, weight, bias, download, hidden, visible)");
            }
        }
    }

    private List<(byte[], bool)> Changed()
    {
        if (ClassCount() != _classes) Rebuild();
        return [(PointsJson(), false), (Frame(), true)];
    }

    private Linear LayerAt(JsonElement root)
    {
        int layer = root.GetProperty("layer").GetInt32();
        var linears = _model.Linears;
        if (layer < 0 || layer >= linears.Count) throw new ArgumentException($"layer {layer}: the network has layers 0–{linears.Count - 1}");
        return linears[layer];
    }

    private static float Value(JsonElement root)
    {
        double v = root.GetProperty("value").GetDouble();
        if (!double.IsFinite(v) || Math.Abs(v) > 100) throw new ArgumentException($"a weight must be a number in [-100, 100], not {v}");
        return (float)v;
    }

    private static float Coord(JsonElement root, string name)
    {
        double v = root.GetProperty(name).GetDouble();
        if (!double.IsFinite(v) || Math.Abs(v) > 2 * Toy2D.Extent) throw new ArgumentException($"{name} must be a number in [-12, 12], not {v}");
        return (float)v;
    }

    // The page's CSV of points (Toy2D.ParseCsv), shuffled and split by the train ratio.
    private void LoadCsv(string text)
    {
        var arr = Toy2D.ParseCsv(text, MaxCsvRows);
        _rng.Shuffle(arr.AsSpan());
        int nTrain = Math.Clamp((int)Math.Round(arr.Length * _config.TrainRatio), 1, arr.Length - 1);
        (_train, _test) = (arr[..nTrain], arr[nTrain..]);
        _regression = false; // a CSV holds classes
    }

    private void Regenerate()
    {
        var rng = new Rng((ulong)_config.Seed);
        var pts = Toy2D.Generate(_config.Kind, _config.Points, _config.Noise, rng);
        (_train, _test) = Toy2D.Split(pts, _config.TrainRatio, rng);
        _regression = Toy2D.IsRegression(_config.Kind);
    }

    private void Rebuild()
    {
        _classes = ClassCount();
        _model = new ToyNetwork(_config.ToOptions(), _classes);
    }

    // The network's outputs: 1 for regression, else the classes the points use (at least two).
    private int ClassCount() => _regression ? 1 : Math.Max(2, _train.Concat(_test).Select(p => p.Label + 1).DefaultIfEmpty(2).Max());

    /// <summary>The binary frame described in the class summary.</summary>
    public byte[] Frame()
    {
        var (trL, trA) = _model.Evaluate(_train);
        var (teL, teA) = _model.Evaluate(_test);
        var features = (Feature2D)_config.Features;
        int f = Toy2D.FeatureCount(features);
        var linears = _model.Linears;
        int L = linears.Count;
        var widths = new List<int> { f };
        widths.AddRange(linears.Select(l => l.OutFeatures));

        var ms = new MemoryStream();
        var w = new BinaryWriter(ms);
        w.Write((byte)1); w.Write((byte)_classes); w.Write((ushort)Grid); w.Write((ushort)UnitGrid); w.Write((ushort)L);
        w.Write((uint)Math.Min(_model.Epoch, uint.MaxValue));
        w.Write(trL); w.Write(teL); w.Write(trA); w.Write(teA);
        foreach (var v in widths) w.Write((ushort)v);
        while (ms.Length % 4 != 0) w.Write((byte)0);

        // The output heatmap on a Grid×Grid lattice over [-6, 6]², row 0 at the top (x2 = +6).
        var pred = _model.Predict(GridInputs(Grid, f, features));
        foreach (var v in pred) w.Write(_regression ? (byte)Math.Round(128 + 127 * Math.Clamp(v, -1f, 1f)) : (byte)Math.Round(255 * v));

        // Unit heatmaps: the features, then every hidden unit (after its activation).
        var gx = GridInputs(UnitGrid, f, features);
        int n = UnitGrid * UnitGrid;
        WriteUnits(w, gx.Data, n, f);
        foreach (var h in _model.HiddenActivations(gx)) WriteUnits(w, h.Data, n, h.Shape.Dims[1]);
        foreach (var l in linears)
        {
            foreach (var v in l.Weight.Data) w.Write(v);
            foreach (var v in l.Bias!.Data) w.Write(v);
        }
        w.Flush();
        return ms.ToArray();
    }

    /// <summary>The download reply: <c>[2]</c> then the bytes of a network file (<see cref="ToyNetwork.Save"/>), written and checked on disk first.</summary>
    private byte[] NetworkFileBytes()
    {
        string dir = Directory.CreateTempSubdirectory("theta-playground-").FullName;
        try
        {
            string path = Path.Combine(dir, "playground.theta");
            _model.Save(path, $"playground:{_config.Dataset}");
            var bytes = File.ReadAllBytes(path);
            return [2, .. bytes];
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    private static void WriteUnits(BinaryWriter w, ReadOnlySpan<float> a, int n, int units)
    {
        for (int u = 0; u < units; u++)
        {
            float max = 1;
            for (int i = 0; i < n; i++) max = Math.Max(max, Math.Abs(a[i * units + u]));
            for (int i = 0; i < n; i++) w.Write((byte)Math.Clamp(Math.Round(128 + 127 * a[i * units + u] / max), 0, 255));
        }
    }

    private static Tensor GridInputs(int g, int f, Feature2D features)
    {
        var x = new float[g * g * f];
        for (int r = 0; r < g; r++)
            for (int c = 0; c < g; c++)
            {
                float x1 = -Toy2D.Extent + 2 * Toy2D.Extent * (c + 0.5f) / g, x2 = Toy2D.Extent - 2 * Toy2D.Extent * (r + 0.5f) / g;
                Toy2D.Features(x1, x2, features, x.AsSpan((r * g + c) * f, f));
            }
        return Tensor.FromArray(x, g * g, f);
    }

    private byte[] PointsJson()
    {
        bool regression = _regression;
        JsonArray Pts(Point2D[] ps) => [.. ps.Select(p => (JsonNode)(regression
            ? new JsonArray(MathF.Round(p.X1, 3), MathF.Round(p.X2, 3), p.Label, MathF.Round(p.Target, 3))
            : new JsonArray(MathF.Round(p.X1, 3), MathF.Round(p.X2, 3), p.Label)))];
        return Encoding.UTF8.GetBytes(new JsonObject { ["type"] = "points", ["classes"] = _classes, ["train"] = Pts(_train), ["test"] = Pts(_test) }.ToJsonString());
    }
}
