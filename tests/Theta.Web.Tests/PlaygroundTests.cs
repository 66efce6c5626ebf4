using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;

namespace Theta.Web.Tests;

/// <summary>The 2-D playground's WebSocket sessions end to end: training on the circle, bad configs, frame rate.</summary>
public sealed class PlaygroundTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private Uri _http = null!;

    public async Task InitializeAsync()
    {
        _app = ThetaServer.Build(new ThetaServerOptions("http://127.0.0.1:0", maxSessions: 3, maxMessageBytes: 1 << 20));
        await _app.StartAsync();
        _http = new Uri(ThetaServer.Addresses(_app).Single());
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed record Frame(int Classes, uint Epoch, float TrainLoss, float TestLoss, float TrainAccuracy, float TestAccuracy);

    [Fact]
    public async Task The_default_network_learns_the_circle_and_frames_arrive_at_20_per_second()
    {
        using var ws = await Connect();
        await SendJson(ws, """{"type":"config","dataset":"circle","noise":0,"trainRatio":0.5}""");
        var first = await NextFrame(ws);
        await SendJson(ws, """{"type":"play"}""");
        var clock = Stopwatch.StartNew();
        Frame last = first;
        int frames = 0;
        double fpsWindowEnd = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            last = await NextFrame(ws);
            frames++;
            if (frames == 1) fpsWindowEnd = clock.Elapsed.TotalSeconds;
            if (frames >= 41 && last.TestAccuracy >= 0.95f) break;
        }
        double seconds = clock.Elapsed.TotalSeconds - fpsWindowEnd;
        Assert.True(last.TestAccuracy >= 0.95f, $"test accuracy {last.TestAccuracy:P1} after {clock.Elapsed.TotalSeconds:F1} s, epoch {last.Epoch}");
        Assert.True(last.TestLoss < first.TestLoss, $"test loss {first.TestLoss} -> {last.TestLoss}");
        Assert.True(last.TrainLoss < first.TrainLoss);
        Assert.True(last.Epoch > first.Epoch);
        Assert.True((frames - 1) / seconds >= 20, $"{frames - 1} frames in {seconds:F2} s");
        await SendJson(ws, """{"type":"pause"}""");
    }

    [Theory]
    [InlineData("""{"type":"config","layers":[1,1,1,1,1,1,1]}""", "hidden layers")]
    [InlineData("""{"type":"config","layers":[9]}""", "units")]
    [InlineData("""{"type":"config","learningRate":-0.1}""", "learningRate")]
    [InlineData("""{"type":"config","regRate":-1}""", "regRate")]
    [InlineData("""{"type":"config","batchSize":100000}""", "batchSize")]
    [InlineData("""{"type":"config","speed":101}""", "speed")]
    [InlineData("""{"type":"config","activations":["swish"]}""", "activation")]
    [InlineData("""{"type":"warp"}""", "unknown message")]
    [InlineData("""not json""", "bad message")]
    [InlineData("""{"type":"csv","text":"1,2,7\n"}""", "label")]
    [InlineData("""{"type":"weight","layer":9,"to":0,"from":0,"value":1}""", "layer")]
    public async Task Bad_values_get_an_error_and_the_session_goes_on(string message, string expected)
    {
        using var ws = await Connect();
        await ws.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, default);
        var (type, data) = await Receive(ws);
        Assert.Equal(WebSocketMessageType.Text, type);
        var e = JsonDocument.Parse(data).RootElement;
        Assert.Equal("error", e.GetProperty("type").GetString());
        Assert.Contains(expected, e.GetProperty("message").GetString());
        await SendJson(ws, """{"type":"step"}""");
        Assert.Equal(1u, (await NextFrame(ws)).Epoch);
    }

    [Fact]
    public async Task Three_classes_CSV_points_and_weight_edits()
    {
        using var ws = await Connect();
        await SendJson(ws, """{"type":"config","dataset":"gauss3","layers":[8,8],"activations":["relu","tanh"],"dropout":0.1}""");
        var points = await NextJson(ws);
        Assert.Equal(3, points.GetProperty("classes").GetInt32());
        Assert.Equal(3, (await NextFrame(ws)).Classes);
        await SendJson(ws, """{"type":"csv","text":"x1,x2,label\n1,1,0\n-1,-1,1\n2,2,0\n-2,-2,1\n3,3,0\n-3,-3,1\n"}""");
        points = await NextJson(ws);
        Assert.Equal(6, points.GetProperty("train").GetArrayLength() + points.GetProperty("test").GetArrayLength());
        Assert.Equal(2, (await NextFrame(ws)).Classes);
        await SendJson(ws, """{"type":"bias","layer":0,"unit":0,"value":2.5}""");
        await NextFrame(ws);
    }

    [Fact]
    public async Task The_plane_regression_sends_targets_and_value_frames_and_its_error_falls()
    {
        using var ws = await Connect();
        await SendJson(ws, """{"type":"config","dataset":"plane"}""");
        var points = await NextJson(ws);
        Assert.Equal(1, points.GetProperty("classes").GetInt32());
        var p0 = points.GetProperty("train")[0];
        Assert.Equal(4, p0.GetArrayLength());
        float want = (p0[0].GetSingle() + p0[1].GetSingle()) / 10;
        Assert.True(Math.Abs(want - p0[3].GetSingle()) < 0.002f, $"point {p0}: target {p0[3]}, (x1 + x2)/10 = {want}"); // rounded to 3 decimals on the wire
        var first = await NextFrame(ws);
        Assert.Equal(1, first.Classes);
        for (int i = 0; i < 40; i++) { await SendJson(ws, """{"type":"step"}"""); await NextFrame(ws); }
        await SendJson(ws, """{"type":"step"}""");
        var (_, d) = await Receive(ws);
        var last = new Frame(d[1], BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(8)), BinaryPrimitives.ReadSingleLittleEndian(d.AsSpan(12)),
            BinaryPrimitives.ReadSingleLittleEndian(d.AsSpan(16)), 0, 0);
        Assert.True(last.TestLoss < 0.02f && last.TestLoss < first.TestLoss, $"test error {first.TestLoss:F4} -> {last.TestLoss:F4} after {last.Epoch} epochs");
        // The output map: 128 + 127·value, the plane rising to the top right (row 0 is x2 = +6).
        int o = 28 + 2 * 4; // header, then widths 2, 4, 2, 1 (8 bytes, already aligned)
        const int G = PlaygroundSession.Grid;
        Assert.True(d[o + G - 1] > 200 && d[o + (G - 1) * G] < 60, $"top right {d[o + G - 1]}, bottom left {d[o + (G - 1) * G]}");
    }

    [Fact]
    public async Task Download_sends_a_network_file_that_loads()
    {
        using var ws = await Connect();
        await SendJson(ws, """{"type":"config","dataset":"gauss3","layers":[3],"features":7}""");
        await NextJson(ws);
        await NextFrame(ws);
        await SendJson(ws, """{"type":"download"}""");
        var (type, d) = await Receive(ws);
        Assert.Equal(WebSocketMessageType.Binary, type);
        Assert.Equal(2, d[0]);
        string path = Path.Combine(Path.GetTempPath(), $"theta-download-{Guid.NewGuid():N}.theta");
        try
        {
            File.WriteAllBytes(path, d[1..]);
            var read = Theta.Io.NetworkFile.Read(path, [3]);
            Assert.Equal("playground:gauss3", read.Metadata.Dataset);
            Assert.Equal("x1,x2,x1^2", read.Metadata.Extra!["features"]);
            Assert.Equal(new Theta.Shape(1, 3), read.Network.Summary(1, 3).Rows[^1].OutputShape);
        }
        finally { File.Delete(path); }
    }

    private async Task<ClientWebSocket> Connect()
    {
        var ws = new ClientWebSocket();
        await ws.ConnectAsync(new Uri($"ws://{_http.Authority}/ws/playground"), default);
        Assert.Equal("points", (await NextJson(ws)).GetProperty("type").GetString());
        await NextFrame(ws);
        return ws;
    }

    private static Task SendJson(ClientWebSocket ws, string json) => ws.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, default);

    private static async Task<Frame> NextFrame(ClientWebSocket ws)
    {
        while (true)
        {
            var (type, d) = await Receive(ws);
            if (type == WebSocketMessageType.Text)
            {
                var j = JsonDocument.Parse(d).RootElement;
                Assert.NotEqual("error", j.GetProperty("type").GetString());
                continue;
            }
            Assert.Equal(1, d[0]);
            float F(int o) => BinaryPrimitives.ReadSingleLittleEndian(d.AsSpan(o));
            return new Frame(d[1], BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(8)), F(12), F(16), F(20), F(24));
        }
    }

    private static async Task<JsonElement> NextJson(ClientWebSocket ws)
    {
        var (type, d) = await Receive(ws);
        Assert.Equal(WebSocketMessageType.Text, type);
        return JsonDocument.Parse(d).RootElement;
    }

    private static async Task<(WebSocketMessageType, byte[])> Receive(ClientWebSocket ws)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buf = new byte[64 * 1024];
        using var ms = new MemoryStream();
        while (true)
        {
            var r = await ws.ReceiveAsync(buf, cts.Token);
            ms.Write(buf, 0, r.Count);
            if (r.EndOfMessage) return (r.MessageType, ms.ToArray());
        }
    }
}
