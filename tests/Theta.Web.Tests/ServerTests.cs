using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;

namespace Theta.Web.Tests;

/// <summary>
/// The server end to end on 127.0.0.1 with a free port: the pages, and WebSocket sessions of the
/// digit recogniser with the committed MNIST CNN (models/mnist-cnn.theta, 99.43 % on the test set).
/// </summary>
public sealed class ServerTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private Uri _http = null!;
    private const int MaxSessions = 3;

    public async Task InitializeAsync()
    {
        _app = ThetaServer.Build(new ThetaServerOptions("http://127.0.0.1:0", maxSessions: MaxSessions, maxMessageBytes: 2 << 20));
        await _app.StartAsync();
        _http = new Uri(ThetaServer.Addresses(_app).Single());
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public void ListensOnLoopbackOnly()
    {
        Assert.Equal("127.0.0.1", _http.Host);
        Assert.NotEqual(0, _http.Port);
    }

    [Theory]
    [InlineData("/", "digits.html")]
    [InlineData("/index.html", "playground.html")]
    [InlineData("/playground.html", "playground.js")]
    [InlineData("/playground.js", "/ws/playground")]
    [InlineData("/digits.html", "digits.js")]
    [InlineData("/digits.js", "/ws/digits")]
    [InlineData("/style.css", "body")]
    public async Task ServesThePages(string path, string contains)
    {
        using var client = new HttpClient();
        var response = await client.GetAsync(new Uri(_http, path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(contains, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task IndexLinksEveryDemoThatExists()
    {
        using var client = new HttpClient();
        string index = await client.GetStringAsync(new Uri(_http, "/"));
        Assert.Contains("href=\"digits.html\"", index);
        Assert.Contains("href=\"playground.html\"", index);
        Assert.DoesNotContain("coming next", index);
    }

    [Fact]
    public async Task AVerticalStrokeIsAOneAndALoopIsAZero()
    {
        using var ws = await Connect();
        var model = await ReceiveJson(ws);
        Assert.Equal("model", model.GetProperty("type").GetString());
        Assert.Equal(11, model.GetProperty("layers").GetArrayLength());
        Assert.Equal([20, 1, 5, 5], model.GetProperty("filters").GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));

        var one = await Recognise(ws, Drawings.VerticalStroke());
        Assert.Equal(1, one.Top);
        var zero = await Recognise(ws, Drawings.Loop());
        Assert.Equal(0, zero.Top);
        Assert.Equal(11, zero.Layers.Count);
        Assert.Equal(20 * 28 * 28, zero.Layers[0].Length);
        Assert.Equal(10, zero.Layers[^1].Length);
        Assert.Equal(1.0, zero.Probabilities.Sum(), 3);
    }

    [Fact]
    public async Task BadMessagesGetAnErrorAndTheSessionCarriesOn()
    {
        using var ws = await Connect();
        await ReceiveJson(ws);
        await Send(ws, new byte[3 << 20]);                                      // over the 2 MiB bound
        Assert.Contains("over the limit", await Error(ws));
        await Send(ws, [1, 2, 3]);                                              // malformed: a cut-off header
        Assert.Contains("5-byte header", await Error(ws));
        await Send(ws, [1, 112, 0, 112, 0, 9]);                                 // a header with too few pixels
        Assert.Contains("needs", await Error(ws));
        await Send(ws, [9]);                                                    // an unknown kind
        Assert.Contains("unknown message kind", await Error(ws));
        await Send(ws, Drawings.Message(new byte[112 * 112]));                  // nothing drawn
        Assert.Contains("empty", await Error(ws));
        await ws.SendAsync(Encoding.UTF8.GetBytes("{not json"), WebSocketMessageType.Text, true, default);
        Assert.Contains("type", await Error(ws));
        await Send(ws, [2, .. Encoding.UTF8.GetBytes("not a model file at all")]); // an upload that is no model
        Assert.Contains("not a usable model", await Error(ws));
        Assert.Equal(1, (await Recognise(ws, Drawings.VerticalStroke())).Top);  // still alive
    }

    [Fact]
    public async Task UnitWeightsAreSentOnRequest()
    {
        using var ws = await Connect();
        await ReceiveJson(ws);
        await ws.SendAsync(Encoding.UTF8.GetBytes("""{"type":"unit","layer":3,"unit":7}"""), WebSocketMessageType.Text, true, default);
        var unit = await ReceiveJson(ws);
        Assert.Equal("unit", unit.GetProperty("type").GetString());
        Assert.Equal(20 * 5 * 5, unit.GetProperty("weights").GetArrayLength());
        await ws.SendAsync(Encoding.UTF8.GetBytes("""{"type":"unit","layer":3,"unit":99}"""), WebSocketMessageType.Text, true, default);
        Assert.Contains("channels 0–39", await Error(ws));
    }

    [Fact]
    public async Task AnUploadedModelReplacesThisSessionsModelOnly()
    {
        using var ws = await Connect();
        await ReceiveJson(ws);
        var bytes = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "models", "mnist-cnn.theta"));
        await Send(ws, [2, .. bytes]);
        var model = await ReceiveJson(ws);
        Assert.Equal("uploaded model", model.GetProperty("name").GetString());
        Assert.Equal(1, (await Recognise(ws, Drawings.VerticalStroke())).Top);
    }

    [Fact]
    public async Task AtMostMaxSessionsAtOnceAndAClosedOneIsFreed()
    {
        var open = new List<ClientWebSocket>();
        for (int i = 0; i < MaxSessions; i++)
        {
            var ws = await Connect();
            Assert.Equal("model", (await ReceiveJson(ws)).GetProperty("type").GetString());
            open.Add(ws);
        }
        using (var extra = await Connect())
        {
            Assert.Contains("busy", await Error(extra));
            await ReceiveClose(extra);
            Assert.Equal(ThetaServer.TryAgainLater, extra.CloseStatus);
        }
        await open[0].CloseAsync(WebSocketCloseStatus.NormalClosure, "done", default);
        open[0].Dispose();
        // The freed slot is released when the server sees the close; allow it a moment.
        for (int attempt = 0; ; attempt++)
        {
            using var again = await Connect();
            var first = await ReceiveJson(again);
            if (first.GetProperty("type").GetString() == "model") break;
            Assert.True(attempt < 20, "the closed session's slot was never freed");
            await Task.Delay(50);
        }
        foreach (var ws in open.Skip(1)) ws.Dispose();
    }

    [Fact]
    public async Task AModelForAnotherInputIsRefusedWithAClearMessage()
    {
        // A network for 2 features (as `theta train` makes from a CSV file): not a digit recogniser.
        string path = Path.Combine(Path.GetTempPath(), $"theta-web-test-{Guid.NewGuid():N}.theta");
        try
        {
            Theta.Io.NetworkFile.Save(new Theta.Nn.Sequential(new Theta.Nn.Linear(2, 3, new Rng(1))), path, new Theta.Io.NetworkMetadata(InputShape: [2]));
            using var ws = await Connect();
            await ReceiveJson(ws);
            await Send(ws, [2, .. await File.ReadAllBytesAsync(path)]);
            string message = await Error(ws);
            Assert.Contains("[2]", message);
            Assert.Contains("28×28", message);
            Assert.Equal(1, (await Recognise(ws, Drawings.VerticalStroke())).Top); // the session keeps its model
        }
        finally { File.Delete(path); }
    }

    private sealed record Result(int Top, float[] Probabilities, List<float[]> Layers);

    private async Task<ClientWebSocket> Connect()
    {
        var ws = new ClientWebSocket();
        await ws.ConnectAsync(new Uri($"ws://{_http.Authority}/ws/digits"), default);
        return ws;
    }

    private static Task Send(ClientWebSocket ws, byte[] data) => ws.SendAsync(data, WebSocketMessageType.Binary, true, default);

    private static async Task<Result> Recognise(ClientWebSocket ws, byte[] pixels)
    {
        await Send(ws, Drawings.Message(pixels));
        var (type, data) = await Receive(ws);
        Assert.True(type == WebSocketMessageType.Binary, type == WebSocketMessageType.Text ? Encoding.UTF8.GetString(data) : "not binary");
        Assert.Equal(1, data[0]);
        int k = BitConverter.ToUInt16(data, 2), l = BitConverter.ToUInt16(data, 4);
        int o = 8 + 784 * 4;
        var probs = Floats(data, o, k);
        o += 4 * k;
        var layers = new List<float[]>();
        for (int i = 0; i < l; i++)
        {
            int n = (int)BitConverter.ToUInt32(data, o);
            layers.Add(Floats(data, o + 4, n));
            o += 4 + 4 * n;
        }
        Assert.Equal(data.Length, o);
        return new Result(Array.IndexOf(probs, probs.Max()), probs, layers);
    }

    private static float[] Floats(byte[] data, int offset, int n)
    {
        var f = new float[n];
        Buffer.BlockCopy(data, offset, f, 0, 4 * n);
        return f;
    }

    private static async Task<string> Error(ClientWebSocket ws)
    {
        var e = await ReceiveJson(ws);
        Assert.Equal("error", e.GetProperty("type").GetString());
        return e.GetProperty("message").GetString()!;
    }

    private static async Task<JsonElement> ReceiveJson(ClientWebSocket ws)
    {
        var (type, data) = await Receive(ws);
        Assert.Equal(WebSocketMessageType.Text, type);
        return JsonDocument.Parse(data).RootElement.Clone();
    }

    private static async Task ReceiveClose(ClientWebSocket ws)
    {
        var (type, _) = await Receive(ws);
        Assert.Equal(WebSocketMessageType.Close, type);
    }

    private static async Task<(WebSocketMessageType, byte[])> Receive(ClientWebSocket ws)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        using var ms = new MemoryStream();
        while (true)
        {
            var r = await ws.ReceiveAsync(buffer, cts.Token);
            ms.Write(buffer, 0, r.Count);
            if (r.EndOfMessage || r.MessageType == WebSocketMessageType.Close) return (r.MessageType, ms.ToArray());
        }
    }
}
