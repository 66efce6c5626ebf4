using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using Theta.Data;
using Theta.Explain;
using Theta.Io;
using Theta.Nn;

namespace Theta.Web;

/// <summary>
/// One page's digit recogniser: its own copy of the network (a page may load another model without
/// touching the others) and the answers to its messages. The wire format (also at the top of <c>wwwroot/digits.js</c>),
/// all numbers little-endian:
/// <list type="bullet">
/// <item>page → server, binary <c>[1][u16 w][u16 h][w·h bytes of ink]</c>: a drawing (8 ≤ w, h ≤ 280);</item>
/// <item>page → server, binary <c>[2][file bytes]</c>: a network file to use instead;</item>
/// <item>page → server, text <c>{"type":"unit","layer":L,"unit":U}</c>: the weights of one unit;</item>
/// <item>server → page, binary <c>[1][0][u16 classes][u16 layers][u16 0]</c>, then float32: the 28×28 image,
/// the probabilities, and per layer <c>u32 n</c> and n values (every part 4-byte aligned);</item>
/// <item>server → page, text JSON <c>{"type":"model"|"unit"|"error", …}</c>.</item>
/// </list>
/// </summary>
internal sealed class DigitSession
{
    /// <summary>Message kinds, the first byte of a binary message.</summary>
    public const byte Drawing = 1, Model = 2, Result = 1;

    /// <summary>The largest drawing side accepted.</summary>
    public const int MaxSide = 280, MinSide = 8;

    /// <summary>
    /// The most floats of activations (all layers) and workspace a network may need for one drawing: 4 Mi floats = 16 MiB,
    /// checked from the file's architecture before anything is built (<see cref="ActivationBudget"/>). The bundled CNN needs 0.15 Mi.
    /// </summary>
    public const long MaxActivationFloats = 4L << 20;

    private static readonly int[] Input = [1, 28, 28];
    private Sequential _net;
    private int[] _shape;
    private string _name;

    private DigitSession(Sequential net, int[] shape, string name) { _net = net; _shape = shape; _name = name; }

    /// <summary>A session with the network in <paramref name="path"/>.</summary>
    public static DigitSession Open(string path)
    {
        var (net, shape) = LoadChecked(path, Path.GetFileName(path));
        return new DigitSession(net, shape, Path.GetFileName(path));
    }

    /// <summary>The JSON that tells the page about the network: its layers with their output shapes and the first layer's filters.</summary>
    public string Describe()
    {
        var acts = Activations.Run(_net, Tensor.Zeros([1, .. _shape]));
        var layers = new JsonArray();
        foreach (var a in acts)
            layers.Add(new JsonObject
            {
                ["index"] = a.Index,
                ["name"] = a.Layer,
                ["shape"] = Json(a.Output.Shape.Dims[1..]),
                ["hasWeights"] = _net[a.Index] is Conv2d or Linear,
                ["about"] = About(_net[a.Index]),
            });
        var msg = new JsonObject { ["type"] = "model", ["name"] = _name, ["input"] = Json(_shape), ["layers"] = layers };
        for (int i = 0; i < _net.Count; i++)
        {
            if (_net[i] is Conv2d c)
            {
                msg["filters"] = new JsonObject { ["layer"] = i, ["shape"] = Json(c.Weight.Shape.Dims), ["data"] = Json(c.Weight.Data) };
                break;
            }
            if (_net[i] is Linear l && l.InFeatures == 784)
            {
                int n = Math.Min(l.OutFeatures, 64); // the first 64 units' weights, each a 28×28 picture
                msg["filters"] = new JsonObject { ["layer"] = i, ["shape"] = Json([n, 1, 28, 28]), ["data"] = Json(l.Weight.Data[..(n * 784)]) };
                break;
            }
        }
        return msg.ToJsonString();
    }

    /// <summary>Answers one message: a binary result frame, or a JSON text; throws <see cref="ArgumentException"/> for bad input.</summary>
    public (bool Binary, byte[] Payload) Handle(WsMessage m)
    {
        if (m.Type == System.Net.WebSockets.WebSocketMessageType.Text) return (false, Unit(m.Data));
        if (m.Data.Length == 0) throw new ArgumentException("an empty message");
        return m.Data[0] switch
        {
            Drawing => (true, Recognise(m.Data)),
            Model => (false, LoadUpload(m.Data.AsSpan(1))),
            var k => throw new ArgumentException($"unknown message kind {k} (1 = drawing, 2 = model file)"),
        };
    }

    /// <summary>Preprocesses a drawing and runs the network: the result frame.</summary>
    public byte[] Recognise(ReadOnlySpan<byte> msg)
    {
        if (msg.Length < 5) throw new ArgumentException($"a drawing message has a 5-byte header; this one has {msg.Length} bytes");
        int w = BinaryPrimitives.ReadUInt16LittleEndian(msg[1..]), h = BinaryPrimitives.ReadUInt16LittleEndian(msg[3..]);
        if (w < MinSide || h < MinSide || w > MaxSide || h > MaxSide)
            throw new ArgumentException($"a drawing of {w}×{h} pixels; each side must be {MinSide}–{MaxSide}");
        if (msg.Length != 5 + w * h) throw new ArgumentException($"a {w}×{h} drawing needs {5 + w * h} bytes; the message has {msg.Length}");
        var ink = new float[w * h];
        for (int i = 0; i < ink.Length; i++) ink[i] = msg[5 + i] * (1f / 255f);
        var image = DigitPreprocessing.Preprocess(ink, w, h);
        var acts = Activations.Run(_net, Tensor.FromArray(image, [1, .. _shape]));
        var probs = Probabilities(acts[^1]);

        int size = 8 + 4 * image.Length + 4 * probs.Length + acts.Sum(a => 4 + 4 * a.Output.Size);
        var frame = new byte[size];
        var s = frame.AsSpan();
        s[0] = Result;
        BinaryPrimitives.WriteUInt16LittleEndian(s[2..], (ushort)probs.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(s[4..], (ushort)acts.Count);
        int o = 8;
        o = Put(s, o, image);
        o = Put(s, o, probs);
        foreach (var a in acts)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(s[o..], (uint)a.Output.Size);
            o = Put(s, o + 4, a.Output.Data);
        }
        return frame;
    }

    // The weights of one unit: a Conv2d output channel's filter [C_in, k, k] or a Linear unit's row [in].
    private byte[] Unit(byte[] text)
    {
        int layer, unit;
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || root.GetProperty("type").GetString() != "unit")
                throw new ArgumentException("a text message must be {\"type\":\"unit\",\"layer\":L,\"unit\":U}");
            layer = root.GetProperty("layer").GetInt32();
            unit = root.GetProperty("unit").GetInt32();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new ArgumentException("a text message must be {\"type\":\"unit\",\"layer\":L,\"unit\":U}");
        }
        if (layer < 0 || layer >= _net.Count) throw new ArgumentException($"layer {layer}: the network has layers 0–{_net.Count - 1}");
        var msg = new JsonObject { ["type"] = "unit", ["layer"] = layer, ["unit"] = unit };
        switch (_net[layer])
        {
            case Conv2d c:
                if (unit < 0 || unit >= c.OutChannels) throw new ArgumentException($"layer {layer} has channels 0–{c.OutChannels - 1}, not {unit}");
                int n = c.InChannels * c.Kernel * c.Kernel;
                msg["shape"] = Json([c.InChannels, c.Kernel, c.Kernel]);
                msg["weights"] = Json(c.Weight.Data.Slice(unit * n, n));
                msg["bias"] = c.Bias is { } b ? b.Data[unit] : 0f;
                msg["padding"] = c.Padding;
                msg["stride"] = c.Stride;
                break;
            case Linear l:
                if (unit < 0 || unit >= l.OutFeatures) throw new ArgumentException($"layer {layer} has units 0–{l.OutFeatures - 1}, not {unit}");
                msg["shape"] = Json([l.InFeatures]);
                msg["weights"] = Json(l.Weight.Data.Slice(unit * l.InFeatures, l.InFeatures));
                msg["bias"] = l.Bias is { } lb ? lb.Data[unit] : 0f;
                break;
            default:
                msg["weights"] = null;
                break;
        }
        return System.Text.Encoding.UTF8.GetBytes(msg.ToJsonString());
    }

    // A model file sent by the page: validated through a temporary file, then used by this session only.
    private byte[] LoadUpload(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0) throw new ArgumentException("the model file is empty");
        string tmp = Path.Combine(Path.GetTempPath(), $"theta-upload-{Guid.NewGuid():N}.theta");
        try
        {
            File.WriteAllBytes(tmp, bytes.ToArray());
            var (net, shape) = LoadChecked(tmp, "the uploaded file");
            (_net, _shape, _name) = (net, shape, "uploaded model");
        }
        finally { File.Delete(tmp); }
        return System.Text.Encoding.UTF8.GetBytes(Describe());
    }

    // Reads a network file and checks that it takes a 28×28 digit ([1, 28, 28] or [784]) and gives 2–1000 scores.
    private static (Sequential, int[]) LoadChecked(string path, string what)
    {
        try
        {
            var meta = NetworkFile.Read(path, null, MaxActivationFloats).Metadata;
            int[] shape = meta.InputShape ?? Input;
            if (shape.Aggregate(1L, (a, d) => a * d) != 784)
                throw new ArgumentException($"{what}: the network takes inputs of shape [{string.Join(", ", shape)}], not a 28×28 digit ([1, 28, 28] or [784])");
            var net = NetworkFile.Read(path, shape, MaxActivationFloats).Network;
            int outputs = net.Summary([1, .. shape]).Rows[^1].OutputShape.Size;
            if (outputs < 2 || outputs > 1000) throw new ArgumentException($"{what}: the network gives {outputs} outputs; a classifier of digits was expected");
            return (net, shape);
        }
        catch (Exception e) when (e is ModelFormatException or IOException or ShapeException)
        {
            throw new ArgumentException($"{what} is not a usable model: {e.Message.Replace(path, what)}");
        }
    }

    // The network's own softmax when it ends in one, else the library's softmax over its logits.
    private static float[] Probabilities(LayerActivation last)
    {
        if (last.Layer == "Softmax") return last.Output.Data.ToArray();
        using var _ = Autograd.NoGrad();
        return Tensor.FromArray(last.Output.Data.ToArray(), last.Output.Size).Softmax().Data.ToArray();
    }

    private static string About(Module m) => m switch
    {
        Conv2d c => $"Conv2d({c.InChannels}→{c.OutChannels}, {c.Kernel}×{c.Kernel}, pad {c.Padding})",
        Linear l => $"Linear({l.InFeatures}→{l.OutFeatures})",
        _ => m.TypeName,
    };

    private static int Put(Span<byte> s, int o, ReadOnlySpan<float> v)
    {
        foreach (var f in v) { BinaryPrimitives.WriteSingleLittleEndian(s[o..], f); o += 4; }
        return o;
    }

    private static JsonArray Json(ReadOnlySpan<int> v) { var a = new JsonArray(); foreach (var x in v) a.Add(x); return a; }

    private static JsonArray Json(ReadOnlySpan<float> v) { var a = new JsonArray(); foreach (var x in v) a.Add(MathF.Round(x, 5)); return a; }
}
