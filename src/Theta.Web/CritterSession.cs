using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using Theta.Rl;

namespace Theta.Web;

/// <summary>
/// One page's critter (ConvNetJS's rldemo, <see cref="Theta.Rl"/>): a world and a <see cref="DqnAgent"/> learning from
/// scratch with Theta's best settings, ticked on the server at the page's speed. Wire format (also at the top of
/// <c>wwwroot/critter.js</c>), all JSON text:
/// <list type="bullet">
/// <item>page → server: <c>{"type":"speed","speed":"pause|slow|normal|fast|veryfast"}</c>, <c>{"type":"learning","on":bool}</c>,
/// <c>{"type":"epsilon","value":0..1}</c> (ε while learning is off), <c>{"type":"reset"}</c> (a fresh critter in a fresh world),
/// <c>{"type":"load"}</c> (the committed trained brain, learning off, normal speed); at most <see cref="MaxMessageBytes"/> bytes;</item>
/// <item>server → page: <c>{"type":"world",…}</c> once (size, walls, action names, whether a trained brain is there), then
/// <c>{"type":"frame",…}</c> (items, critter, eyes, reward, ε, inputs, activations, Q, totals, the average-reward graph) at up to
/// 30 a second, and <c>{"type":"error","message":…}</c> for a bad message (the session carries on).</item>
/// </list>
/// Speeds: slow 5 ticks a second, normal 33, fast 300 (10 a frame), very fast as many as the server can in 70 ms of every 100 ms frame.
/// </summary>
internal sealed class CritterSession
{
    public const int MaxMessageBytes = 4096, GraphEvery = 200, RewardWindow = 1000, MaxGraphPoints = 500;
    public static readonly string[] Speeds = ["pause", "slow", "normal", "fast", "veryfast"];

    private readonly object _gate = new();
    private readonly string? _brainPath;
    private readonly double[] _rewards = new double[RewardWindow];
    private readonly List<double> _graph = [];
    private int _graphStride = 1;
    private ulong _seed;
    private Simulation _sim = null!;
    private DqnAgent _agent = null!;
    private string _brain = "fresh";
    private string _speed = "normal";
    private double _rewardSum, _ticksPerSecond;
    private long _rateTicks;
    private readonly Stopwatch _rateClock = Stopwatch.StartNew();

    /// <param name="brainPath">The trained brain the load button uses (null or missing: the button reports that).</param>
    public CritterSession(string? brainPath, ulong seed = 1)
    {
        _brainPath = brainPath;
        _seed = seed;
        Fresh();
    }

    /// <summary>The current speed.</summary>
    public string Speed { get { lock (_gate) return _speed; } }

    /// <summary>Ticks so far in this world.</summary>
    public long Clock { get { lock (_gate) return _sim.World.Clock; } }

    private void Fresh()
    {
        _agent = new DqnAgent(DqnOptions.Best, _seed);
        _sim = new Simulation(new World(_seed + 1), _agent);
        _brain = "fresh";
        ClearStats();
    }

    private void ClearStats()
    {
        Array.Clear(_rewards);
        _rewardSum = 0;
        _graph.Clear();
        _graphStride = 1;
    }

    /// <summary>Talks to one page until it closes: commands in, frames out.</summary>
    public Task RunAsync(WebSocket ws, CancellationToken ct) =>
        SessionLoop.RunAsync(ws, MaxMessageBytes, [new(WorldJson(), false)], Run,
            m => Handle(m) is { } reply ? [new(reply, false)] : [], ct);

    // Ticks at the page's speed and sends a frame after each batch of ticks.
    private Task Run(Func<Outgoing, Task> send, CancellationToken stop) => SessionLoop.Paced(elapsed =>
    {
        lock (_gate)
        {
            var (ticks, frameMs) = _speed switch
            {
                "pause" => (0, 100),
                "slow" => (1, 200),
                "normal" => (1, 30),
                "fast" => (10, 33),
                _ => (int.MaxValue, 100), // very fast: as many ticks as fit in 70 % of a 100 ms frame (the rest for the sockets)
            };
            for (int i = 0; i < ticks; i++)
            {
                Tick();
                if (ticks == int.MaxValue && elapsed() >= frameMs * 7 / 10) break;
            }
            return (new Outgoing(Frame(), false), frameMs);
        }
    }, send, stop);

    // One tick, with the page's statistics: the mean reward over the last 1,000 ticks, a graph point every 200.
    private void Tick()
    {
        var r = _sim.Tick();
        long t = _sim.Totals.Ticks;
        int slot = (int)((t - 1) % RewardWindow);
        _rewardSum += r.Reward - _rewards[slot];
        _rewards[slot] = r.Reward;
        _rateTicks++;
        if (t % (GraphEvery * _graphStride) == 0)
        {
            _graph.Add(AverageReward);
            if (_graph.Count > MaxGraphPoints) // keep the whole run in view: every other point, twice the stride
            {
                for (int i = 0; i < _graph.Count / 2; i++) _graph[i] = _graph[2 * i + 1];
                _graph.RemoveRange(_graph.Count / 2, _graph.Count - _graph.Count / 2);
                _graphStride *= 2;
            }
        }
    }

    private double AverageReward => _sim.Totals.Ticks == 0 ? 0 : _rewardSum / Math.Min(RewardWindow, _sim.Totals.Ticks);

    /// <summary>Answers one message: a reply to send, or null.</summary>
    public byte[]? Handle(WsMessage m)
    {
        using var doc = m.ParseTypedJson("the critter page", out string type);
        var root = doc.RootElement;
        lock (_gate)
        {
            switch (type)
            {
                case "speed":
                    {
                        string s = root.TryGetProperty("speed", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
                        _speed = Speeds.Contains(s) ? s : throw new ArgumentException($"speed: \"{s}\" is not one of {string.Join(", ", Speeds)}");
                        return null;
                    }
                case "learning":
                    {
                        if (!root.TryGetProperty("on", out var v) || v.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                            throw new ArgumentException("learning: \"on\" must be true or false");
                        _agent.Learning = v.GetBoolean();
                        return null;
                    }
                case "epsilon":
                    {
                        double e = root.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;
                        if (!(e is >= 0 and <= 1)) throw new ArgumentException($"epsilon: the value must be a number in [0, 1]");
                        _agent.TestEpsilon = e;
                        return null;
                    }
                case "reset":
                    _seed += 2;
                    Fresh();
                    return Frame();
                case "load":
                    Load();
                    return Frame();
                default:
                    throw new ArgumentException($"unknown message type \"{type}\" (speed, learning, epsilon, reset, load)");
            }
        }
    }

    // The committed trained brain in the current world: learning off, ε at its floor should learning resume, normal speed.
    private void Load()
    {
        if (_brainPath is null || !File.Exists(_brainPath)) throw new ArgumentException("no trained brain is installed beside the server (models/critter-brain.theta)");
        var o = DqnOptions.Best with { EpsilonBurnIn = 0, EpsilonSteps = 1 };
        _agent = BrainFile.Load(_brainPath, _seed, o);
        _sim = new Simulation(_sim.World, _agent);
        _brain = "trained";
        _speed = "normal";
        ClearStats();
    }

    /// <summary>The world's fixed facts, sent once.</summary>
    public byte[] WorldJson() => Json(w =>
    {
        w.WriteString("type", "world");
        w.WriteNumber("width", World.Width);
        w.WriteNumber("height", World.Height);
        w.WriteNumber("itemRadius", World.ItemRadius);
        w.WriteNumber("critterRadius", Critter.Radius);
        w.WriteNumber("eyeRange", Critter.EyeRange);
        w.WriteNumber("eyeInputs", Critter.Inputs);
        w.WriteNumber("memoryCell", CritterMemory.Cell);
        w.WriteNumber("memoryColumns", CritterMemory.Columns);
        w.WriteStartArray("walls");
        foreach (var wall in World.StandardWalls()) { w.WriteStartArray(); w.WriteNumberValue(wall.A.X); w.WriteNumberValue(wall.A.Y); w.WriteNumberValue(wall.B.X); w.WriteNumberValue(wall.B.Y); w.WriteEndArray(); }
        w.WriteEndArray();
        w.WriteStartArray("actions");
        foreach (var a in BrainFile.ActionNames) w.WriteStringValue(a);
        w.WriteEndArray();
        w.WriteStartArray("eyeAngles");
        for (int k = 0; k < Critter.Eyes; k++) w.WriteNumberValue(Critter.EyeAngle(k));
        w.WriteEndArray();
        w.WriteBoolean("trainedBrain", _brainPath is not null && File.Exists(_brainPath));
        w.WriteString("options", BrainFile.Describe(DqnOptions.Best));
    });

    /// <summary>Everything the page draws, now.</summary>
    public byte[] Frame()
    {
        lock (_gate)
        {
            double secs = _rateClock.Elapsed.TotalSeconds;
            if (secs >= 0.5) { _ticksPerSecond = _rateTicks / secs; _rateTicks = 0; _rateClock.Restart(); }
            var world = _sim.World;
            var c = world.Critter;
            // The network's view of the current state: the last action's input, run through the acting network again
            // (a random action did not consult it), so the bars and activations always match.
            var input = _agent.LastInput.ToArray();
            int greedy = _agent.Greedy(input);
            var acts = _agent.LastActivations();
            return Json(w =>
            {
                w.WriteString("type", "frame");
                w.WriteNumber("clock", world.Clock);
                w.WriteString("brain", _brain);
                w.WriteString("speed", _speed);
                w.WriteBoolean("learning", _agent.Learning);
                w.WriteNumber("epsilon", Math.Round(_agent.Epsilon, 4));
                w.WriteNumber("testEpsilon", _agent.TestEpsilon);
                w.WriteNumber("reward", Math.Round(_sim.Last.Reward, 4));
                w.WriteNumber("averageReward", Math.Round(AverageReward, 4));
                w.WriteNumber("ticksPerSecond", Math.Round(_ticksPerSecond));
                w.WriteNumber("action", _sim.LastAction);
                w.WriteBoolean("greedyAction", _agent.LastWasGreedy);
                w.WriteNumber("argmax", greedy);
                w.WriteNumber("apples", _sim.Totals.Apples);
                w.WriteNumber("poison", _sim.Totals.Poison);
                w.WriteNumber("memory", _agent.MemoryCount);
                w.WriteNumber("learnSteps", _agent.LearnSteps);
                w.WriteNumber("poisonPenalty", Math.Round(_agent.PoisonPenalty, 3));
                if (double.IsFinite(_sim.LastLoss)) w.WriteNumber("loss", Math.Round(_sim.LastLoss, 5));
                w.WriteStartObject("critter");
                w.WriteNumber("x", Math.Round(c.Position.X, 2));
                w.WriteNumber("y", Math.Round(c.Position.Y, 2));
                w.WriteNumber("angle", Math.Round(c.Angle, 4));
                w.WriteEndObject();
                w.WriteStartArray("eyes"); // [kind (−1 nothing, 0 wall, 1 apple, 2 poison), distance]
                foreach (var e in c.EyeReadings) { w.WriteStartArray(); w.WriteNumberValue((int)e.What); w.WriteNumberValue(Math.Round(e.Distance, 2)); w.WriteEndArray(); }
                w.WriteEndArray();
                w.WriteStartArray("items"); // [x, y, kind]
                foreach (var it in world.Items) { w.WriteStartArray(); w.WriteNumberValue(Math.Round(it.Position.X, 1)); w.WriteNumberValue(Math.Round(it.Position.Y, 1)); w.WriteNumberValue((int)it.Kind); w.WriteEndArray(); }
                w.WriteEndArray();
                Floats(w, "input", input);
                w.WriteNumber("observations", _agent.Inputs);
                if (_sim.Memory is { } memory)
                {
                    // The memory's floor, one digit a cell (0 just seen … 9 never or long ago), and the apples it remembers.
                    var stale = new float[CritterMemory.Columns * CritterMemory.Rows];
                    memory.WriteStaleness(stale);
                    w.WriteString("fog", string.Create(stale.Length, stale, (d, s) => { for (int i = 0; i < s.Length; i++) d[i] = (char)('0' + (int)MathF.Round(9 * s[i])); }));
                    w.WriteStartArray("remembered");
                    foreach (var a in memory.Apples) { w.WriteStartArray(); w.WriteNumberValue(Math.Round(a.X, 1)); w.WriteNumberValue(Math.Round(a.Y, 1)); w.WriteEndArray(); }
                    w.WriteEndArray();
                }
                w.WriteStartArray("activations");
                foreach (var a in acts) { w.WriteStartArray(); foreach (var v in a) w.WriteNumberValue(MathF.Round(v, 3)); w.WriteEndArray(); }
                w.WriteEndArray();
                w.WriteNumber("graphEvery", GraphEvery * _graphStride);
                w.WriteStartArray("graph");
                foreach (var g in _graph) w.WriteNumberValue(Math.Round(g, 4));
                w.WriteEndArray();
            });
        }
    }

    private static void Floats(Utf8JsonWriter w, string name, ReadOnlySpan<float> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteNumberValue(MathF.Round(v, 3));
        w.WriteEndArray();
    }

    private static byte[] Json(Action<Utf8JsonWriter> body)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return ms.ToArray();
    }
}
