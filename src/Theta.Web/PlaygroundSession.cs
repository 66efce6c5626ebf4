using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Theta.Data;
using Theta.Nn;
using Theta.Optim;

namespace Theta.Web;

/// <summary>
/// One page's 2-D playground: its points, its network (Theta.Nn layers) and optimizer, trained in a background
/// loop while playing. Wire format (also at the top of <c>wwwroot/playground.js</c>), little-endian:
/// <list type="bullet">
/// <item>page → server, text JSON <c>{"type":"config",…}</c> (see <see cref="PlaygroundConfig"/>), <c>play</c>, <c>pause</c>,
/// <c>step</c> (one epoch), <c>reset</c>, <c>add {x1,x2,label}</c>, <c>remove {x1,x2}</c>, <c>csv {text}</c>,
/// <c>weight {layer,to,from,value}</c>, <c>bias {layer,unit,value}</c>;</item>
/// <item>server → page, binary frame: <c>[1][classes][u16 G][u16 g][u16 L]</c>, <c>u32 epoch</c>, float32 train loss,
/// test loss, train accuracy, test accuracy, then <c>L+1</c> u16 layer widths (features, hidden…, outputs) padded to 4 bytes;
/// the output heatmap G·G bytes (P(class 1)·255; three classes: G·G·3 bytes, the probabilities); every feature's and
/// hidden unit's heatmap, g·g bytes each (128 + 127·v/max(1, |v|max)); then per layer float32 weights [out, in] and biases [out];</item>
/// <item>server → page, text JSON <c>{"type":"points"|"config"|"error",…}</c>.</item>
/// </list>
/// </summary>
internal sealed class PlaygroundSession
{
    public const int Grid = 50, UnitGrid = 20, MaxCsvRows = 2000, FrameMs = 33;
    private readonly object _gate = new();
    private PlaygroundConfig _config = new();
    private Point2D[] _train = [], _test = [];
    private Sequential _net = null!;
    private List<Linear> _linears = null!;
    private List<int> _unitOutputs = null!; // indices in _net whose outputs are the hidden units (after activation)
    private Optimizer _opt = null!;
    private Rng _rng = new(1);
    private int _classes = 2;
    private long _epoch;
    private bool _playing;

    public PlaygroundSession() { Regenerate(); Rebuild(); }

    public bool Playing { get { lock (_gate) return _playing; } }

    /// <summary>Talks to one page until it closes: commands in, frames out (30 a second while playing).</summary>
    public Task RunAsync(WebSocket ws, int maxBytes, CancellationToken ct) =>
        SessionLoop.RunAsync(ws, maxBytes, [new(PointsJson(), false), new(Frame(), true)], Train,
            m => [.. Handle(m).Select(r => new Outgoing(r.Item1, r.Item2))], ct);

    // Trains while playing: Speed epochs a frame (0: as many as fit in 60 % of the frame), never past that budget.
    private Task Train(Func<Outgoing, Task> send, CancellationToken stop) => SessionLoop.Paced(elapsed =>
    {
        lock (_gate)
        {
            if (!_playing) return (null, FrameMs);
            int epochs = 0, speed = _config.Speed;
            do { TrainEpoch(); epochs++; }
            while ((speed == 0 || epochs < speed) && elapsed() < FrameMs * 6 / 10);
            return (new Outgoing(Frame(), true), FrameMs);
        }
    }, send, stop);

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
                        if (arch) Rebuild(); else _opt = MakeOptimizer();
                        return data ? [(PointsJson(), false), (Frame(), true)] : [(Frame(), true)];
                    }
                case "play": _playing = true; return [];
                case "pause": _playing = false; return [(Frame(), true)];
                case "step": _playing = false; TrainEpoch(); return [(Frame(), true)];
                case "reset": Rebuild(); return [(Frame(), true)];
                case "add":
                    {
                        float x1 = Coord(root, "x1"), x2 = Coord(root, "x2");
                        int label = root.GetProperty("label").GetInt32();
                        if (label < 0 || label > 2) throw new ArgumentException($"add: label must be 0, 1 or 2, not {label}");
                        if (_train.Length + _test.Length >= MaxCsvRows) throw new ArgumentException($"add: at most {MaxCsvRows} points");
                        _train = [.. _train, new Point2D(x1, x2, label)];
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
                case var other: throw new ArgumentException($"unknown message type \"{other}\" (config, play, pause, step, reset, add, remove, csv, weight, bias)");
            }
        }
    }

    private List<(byte[], bool)> Changed()
    {
        int classes = Math.Max(2, _train.Concat(_test).Select(p => p.Label + 1).DefaultIfEmpty(2).Max());
        if (classes != _classes) Rebuild();
        return [(PointsJson(), false), (Frame(), true)];
    }

    private Linear LayerAt(JsonElement root)
    {
        int layer = root.GetProperty("layer").GetInt32();
        if (layer < 0 || layer >= _linears.Count) throw new ArgumentException($"layer {layer}: the network has layers 0–{_linears.Count - 1}");
        return _linears[layer];
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

    // x1,x2,label per line (a header line is skipped); labels 0, 1 (or 2); the points are split by the train ratio.
    private void LoadCsv(string text)
    {
        var pts = new List<Point2D>();
        int line = 0;
        foreach (var raw in text.Split('\n'))
        {
            line++;
            var s = raw.Trim();
            if (s.Length == 0) continue;
            var parts = s.Split(',', ';', '\t');
            if (parts.Length != 3) throw new ArgumentException($"csv line {line}: expected x1,x2,label");
            var inv = System.Globalization.CultureInfo.InvariantCulture;
            if (!float.TryParse(parts[0], inv, out float x1) || !float.TryParse(parts[1], inv, out float x2) || !int.TryParse(parts[2], out int label))
            {
                if (pts.Count == 0 && line == 1) continue; // a header
                throw new ArgumentException($"csv line {line}: \"{s}\" is not x1,x2,label");
            }
            if (!float.IsFinite(x1) || !float.IsFinite(x2) || Math.Abs(x1) > 12 || Math.Abs(x2) > 12) throw new ArgumentException($"csv line {line}: coordinates must be in [-12, 12]");
            if (label < 0 || label > 2) throw new ArgumentException($"csv line {line}: label must be 0, 1 or 2");
            pts.Add(new(x1, x2, label));
            if (pts.Count > MaxCsvRows) throw new ArgumentException($"csv: at most {MaxCsvRows} points");
        }
        if (pts.Count < 4) throw new ArgumentException("csv: at least 4 points");
        var arr = pts.ToArray();
        _rng.Shuffle(arr.AsSpan());
        int nTrain = Math.Clamp((int)Math.Round(arr.Length * _config.TrainRatio), 1, arr.Length - 1);
        (_train, _test) = (arr[..nTrain], arr[nTrain..]);
    }

    private void Regenerate()
    {
        var rng = new Rng((ulong)_config.Seed);
        var pts = Toy2D.Generate(_config.Kind, _config.Points, _config.Noise, rng);
        (_train, _test) = Toy2D.Split(pts, _config.TrainRatio, rng);
    }

    private void Rebuild()
    {
        _classes = Math.Max(2, _train.Concat(_test).Select(p => p.Label + 1).DefaultIfEmpty(2).Max());
        _rng = new Rng((ulong)_config.Seed * 7919 + 13);
        var modules = new List<Module>();
        _linears = [];
        _unitOutputs = [];
        int inputs = Toy2D.FeatureCount((Feature2D)_config.Features);
        for (int i = 0; i < _config.Layers.Length; i++)
        {
            var lin = new Linear(inputs, _config.Layers[i], _rng);
            _linears.Add(lin);
            modules.Add(lin);
            switch (_config.ActivationOf(i))
            {
                case "tanh": modules.Add(new Tanh()); break;
                case "sigmoid": modules.Add(new Sigmoid()); break;
                case "relu": modules.Add(new ReLU()); break;
            }
            _unitOutputs.Add(modules.Count - 1);
            if (_config.Dropout > 0) modules.Add(new Dropout(_config.Dropout, _rng));
            inputs = _config.Layers[i];
        }
        var output = new Linear(inputs, _classes == 2 ? 1 : _classes, _rng);
        _linears.Add(output);
        modules.Add(output);
        _net = new Sequential([.. modules]);
        _opt = MakeOptimizer();
        _epoch = 0;
    }

    private Optimizer MakeOptimizer()
    {
        float l1 = _config.Reg == "l1" ? _config.RegRate : 0, l2 = _config.Reg == "l2" ? _config.RegRate : 0;
        var ps = _net.Parameters();
        return _config.Optimizer switch
        {
            "sgd" => new Sgd(ps, new SgdOptions(_config.LearningRate, l2, l1)),
            "momentum" => new Momentum(ps, new MomentumOptions(_config.LearningRate, 0.9f, l2, l1)),
            _ => new Adam(ps, new AdamOptions(_config.LearningRate, WeightDecay: l2, L1Decay: l1)),
        };
    }

    private void TrainEpoch()
    {
        if (_train.Length == 0) return;
        var order = _rng.Permutation(_train.Length);
        int f = Toy2D.FeatureCount((Feature2D)_config.Features);
        _net.Train();
        for (int s = 0; s < order.Length; s += _config.BatchSize)
        {
            int b = Math.Min(_config.BatchSize, order.Length - s);
            var batch = new Point2D[b];
            for (int i = 0; i < b; i++) batch[i] = _train[order[s + i]];
            var x = Tensor.FromArray(Toy2D.FeatureMatrix(batch, (Feature2D)_config.Features), b, f);
            _opt.ZeroGrad();
            var loss = LossOf(_net.Forward(x), batch);
            loss.Backward();
            _opt.Step();
        }
        _net.Eval();
        _epoch++;
    }

    private Tensor LossOf(Tensor z, Point2D[] batch)
    {
        if (_classes > 2) return Loss.CrossEntropy(z, batch.Select(p => p.Label).ToArray());
        var y = Tensor.FromArray(batch.Select(p => p.Label == 1 ? 1f : 0f).ToArray(), batch.Length, 1);
        return _config.Loss == "squared" ? Loss.SquaredError(z.Sigmoid(), y) : Loss.BinaryCrossEntropyWithLogits(z, y);
    }

    private (float Loss, float Accuracy) Evaluate(Point2D[] pts)
    {
        if (pts.Length == 0) return (0, 0);
        int f = Toy2D.FeatureCount((Feature2D)_config.Features);
        var z = _net.Forward(Tensor.FromArray(Toy2D.FeatureMatrix(pts, (Feature2D)_config.Features), pts.Length, f));
        float loss = LossOf(z, pts).Item();
        int right = 0;
        var d = z.Data;
        for (int i = 0; i < pts.Length; i++)
        {
            int guess;
            if (_classes == 2) guess = d[i] > 0 ? 1 : 0;
            else { guess = 0; for (int c = 1; c < _classes; c++) if (d[i * _classes + c] > d[i * _classes + guess]) guess = c; }
            if (guess == pts[i].Label) right++;
        }
        return (loss, (float)right / pts.Length);
    }

    /// <summary>The binary frame described in the class summary.</summary>
    public byte[] Frame()
    {
        using var _ = Autograd.NoGrad();
        _net.Eval();
        var (trL, trA) = Evaluate(_train);
        var (teL, teA) = Evaluate(_test);
        var features = (Feature2D)_config.Features;
        int f = Toy2D.FeatureCount(features);
        int L = _linears.Count;
        var widths = new List<int> { f };
        widths.AddRange(_linears.Select(l => l.OutFeatures));

        var ms = new MemoryStream();
        var w = new BinaryWriter(ms);
        w.Write((byte)1); w.Write((byte)_classes); w.Write((ushort)Grid); w.Write((ushort)UnitGrid); w.Write((ushort)L);
        w.Write((uint)Math.Min(_epoch, uint.MaxValue));
        w.Write(trL); w.Write(teL); w.Write(trA); w.Write(teA);
        foreach (var v in widths) w.Write((ushort)v);
        while (ms.Length % 4 != 0) w.Write((byte)0);

        // The output heatmap on a Grid×Grid lattice over [-6, 6]², row 0 at the top (x2 = +6).
        var z = _net.Forward(GridInputs(Grid, f, features)).Data;
        for (int i = 0; i < Grid * Grid; i++)
        {
            if (_classes == 2) w.Write((byte)Math.Round(255 / (1 + Math.Exp(-z[i]))));
            else
            {
                float max = float.NegativeInfinity;
                for (int c = 0; c < _classes; c++) max = Math.Max(max, z[i * _classes + c]);
                double sum = 0;
                for (int c = 0; c < _classes; c++) sum += Math.Exp(z[i * _classes + c] - max);
                for (int c = 0; c < 3; c++) w.Write(c < _classes ? (byte)Math.Round(255 * Math.Exp(z[i * _classes + c] - max) / sum) : (byte)0);
            }
        }

        // Unit heatmaps: the features, then every hidden unit (after its activation).
        var gx = GridInputs(UnitGrid, f, features);
        int n = UnitGrid * UnitGrid;
        WriteUnits(w, gx.Data, n, f);
        var h = gx;
        int next = 0;
        for (int i = 0; i < _net.Count && next < _unitOutputs.Count; i++)
        {
            h = _net[i].Forward(h);
            if (i == _unitOutputs[next]) { WriteUnits(w, h.Data, n, h.Shape.Dims[1]); next++; }
        }
        foreach (var l in _linears)
        {
            foreach (var v in l.Weight.Data) w.Write(v);
            foreach (var v in l.Bias!.Data) w.Write(v);
        }
        w.Flush();
        return ms.ToArray();
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
        static JsonArray Pts(Point2D[] ps) => [.. ps.Select(p => (JsonNode)new JsonArray(MathF.Round(p.X1, 3), MathF.Round(p.X2, 3), p.Label))];
        return Encoding.UTF8.GetBytes(new JsonObject { ["type"] = "points", ["classes"] = _classes, ["train"] = Pts(_train), ["test"] = Pts(_test) }.ToJsonString());
    }
}
