using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Theta.Rl;

namespace Theta.Web.Tests;

/// <summary>
/// Runs the critter's tests alone, after the parallel ones: a very fast critter keeps a core busy, which would
/// slow the playground's frame-rate test running beside it.
/// </summary>
[CollectionDefinition(nameof(CritterPageCollection), DisableParallelization = true)]
public sealed class CritterPageCollection;

/// <summary>The critter page's WebSocket sessions end to end: the world, frames at each speed, loading a brain, bad messages.</summary>
[Collection(nameof(CritterPageCollection))]
public sealed class CritterPageTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private Uri _http = null!;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("critter-page");
    private string BrainPath => Path.Combine(_dir.FullName, "brain.theta");

    public async Task InitializeAsync()
    {
        BrainFile.Save(new DqnAgent(DqnOptions.Best, 5), BrainPath);
        _app = ThetaServer.Build(new ThetaServerOptions("http://127.0.0.1:0", maxSessions: 3, critterBrainPath: BrainPath));
        await _app.StartAsync();
        _http = new Uri(ThetaServer.Addresses(_app).Single());
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _dir.Delete(true);
    }

    [Theory]
    [InlineData("/critter.html", "critter.js")]
    [InlineData("/critter.js", "/ws/critter")]
    [InlineData("/index.html", "href=\"critter.html\"")]
    public async Task Serves_the_page_and_the_index_links_it(string path, string contains)
    {
        using var client = new HttpClient();
        var response = await client.GetAsync(new Uri(_http, path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(contains, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_fresh_critter_learns_live_and_very_fast_runs_thousands_of_ticks()
    {
        using var ws = await Connect();
        var world = await NextJson(ws);
        Assert.Equal("world", world.GetProperty("type").GetString());
        Assert.Equal(10, world.GetProperty("walls").GetArrayLength());
        Assert.Equal(5, world.GetProperty("actions").GetArrayLength());
        Assert.True(world.GetProperty("trainedBrain").GetBoolean());
        var first = await NextFrame(ws);
        Assert.Equal("fresh", first.GetProperty("brain").GetString());
        Assert.True(first.GetProperty("learning").GetBoolean());
        Assert.Equal(30, first.GetProperty("items").GetArrayLength());
        Assert.Equal(9, first.GetProperty("eyes").GetArrayLength());
        Assert.Equal(DqnOptions.Best.NetInputs(), first.GetProperty("input").GetArrayLength());
        Assert.Equal([50, 50, 5], first.GetProperty("activations").EnumerateArray().Select(a => a.GetArrayLength()));

        await SendJson(ws, """{"type":"speed","speed":"veryfast"}""");
        long clock = 0;
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        JsonElement f = first;
        while (clock < 3000 && DateTime.UtcNow < until) { f = await NextFrame(ws); clock = f.GetProperty("clock").GetInt64(); }
        Assert.True(clock >= 3000, $"only {clock} ticks");
        Assert.Equal("veryfast", f.GetProperty("speed").GetString());
        Assert.True(f.GetProperty("memory").GetInt32() > 1000);
        Assert.True(f.GetProperty("graph").GetArrayLength() >= 10); // a point every 200 ticks
        Assert.True(f.GetProperty("learnSteps").GetInt64() > 0);
        Assert.Equal(6.0, first.GetProperty("poisonPenalty").GetDouble()); // the budget's λ starts at the world's 6 and moves after 10,000 greedy ticks

        await SendJson(ws, """{"type":"speed","speed":"pause"}""");
        await SendJson(ws, """{"type":"learning","on":false}""");
        await SendJson(ws, """{"type":"epsilon","value":0.2}""");
        var paused = await FrameWhere(ws, j => j.GetProperty("speed").GetString() == "pause" && !j.GetProperty("learning").GetBoolean() && j.GetProperty("testEpsilon").GetDouble() == 0.2);
        Assert.Equal(0.2, paused.GetProperty("epsilon").GetDouble(), 6);
        long at = paused.GetProperty("clock").GetInt64();
        Assert.Equal(at, (await NextFrame(ws)).GetProperty("clock").GetInt64());

        await SendJson(ws, """{"type":"reset"}""");
        var reset = await FrameWhere(ws, j => j.GetProperty("clock").GetInt64() < at);
        Assert.Equal("fresh", reset.GetProperty("brain").GetString());
        Assert.True(reset.GetProperty("learning").GetBoolean());
    }

    [Fact]
    public async Task Load_puts_the_trained_brain_in_with_learning_off_at_normal_speed()
    {
        using var ws = await Connect();
        await NextJson(ws);
        await SendJson(ws, """{"type":"load"}""");
        var f = await FrameWhere(ws, j => j.GetProperty("brain").GetString() == "trained");
        Assert.False(f.GetProperty("learning").GetBoolean());
        Assert.Equal("normal", f.GetProperty("speed").GetString());
        Assert.Equal(0.05, f.GetProperty("epsilon").GetDouble(), 6);
        long c0 = f.GetProperty("clock").GetInt64();
        await FrameWhere(ws, j => j.GetProperty("clock").GetInt64() > c0 + 3); // ~33 ticks a second
    }

    [Theory]
    [InlineData("""{"type":"speed","speed":"ludicrous"}""", "speed")]
    [InlineData("""{"type":"speed"}""", "speed")]
    [InlineData("""{"type":"epsilon","value":1.5}""", "[0, 1]")]
    [InlineData("""{"type":"epsilon","value":"high"}""", "[0, 1]")]
    [InlineData("""{"type":"learning","on":"yes"}""", "true or false")]
    [InlineData("""{"type":"warp"}""", "unknown message type")]
    [InlineData("""[1,2]""", "JSON object")]
    [InlineData("""not json""", "invalid")]
    public async Task Bad_messages_get_an_error_and_the_session_goes_on(string message, string expected)
    {
        using var ws = await Connect();
        await NextJson(ws);
        await SendJson(ws, message);
        var e = await ErrorMessage(ws);
        Assert.Contains(expected, e, StringComparison.OrdinalIgnoreCase);
        await SendJson(ws, """{"type":"speed","speed":"fast"}""");
        await FrameWhere(ws, j => j.GetProperty("speed").GetString() == "fast");
    }

    [Fact]
    public async Task Oversized_and_binary_messages_are_refused()
    {
        using var ws = await Connect();
        await NextJson(ws);
        await SendJson(ws, "{\"type\":\"speed\",\"speed\":\"" + new string('x', 5000) + "\"}");
        Assert.Contains("over the limit", await ErrorMessage(ws));
        await ws.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, default);
        Assert.Contains("JSON text", await ErrorMessage(ws));
        await NextFrame(ws);
    }

    [Fact]
    public async Task Without_a_trained_brain_the_load_button_says_so()
    {
        var app = ThetaServer.Build(new ThetaServerOptions("http://127.0.0.1:0", critterBrainPath: Path.Combine(_dir.FullName, "missing.theta")));
        await app.StartAsync();
        try
        {
            using var ws = new ClientWebSocket();
            await ws.ConnectAsync(new Uri($"ws://{new Uri(ThetaServer.Addresses(app).Single()).Authority}/ws/critter"), default);
            Assert.False((await NextJson(ws)).GetProperty("trainedBrain").GetBoolean());
            await SendJson(ws, """{"type":"load"}""");
            Assert.Contains("no trained brain", await ErrorMessage(ws));
            Assert.Equal("fresh", (await NextFrame(ws)).GetProperty("brain").GetString());
        }
        finally { await app.StopAsync(); await app.DisposeAsync(); }
    }

    private async Task<ClientWebSocket> Connect()
    {
        var ws = new ClientWebSocket();
        await ws.ConnectAsync(new Uri($"ws://{_http.Authority}/ws/critter"), default);
        return ws;
    }

    private static Task SendJson(ClientWebSocket ws, string json) => ws.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, default);

    private static async Task<JsonElement> NextJson(ClientWebSocket ws)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // generous: the machine is shared
        var buf = new byte[64 * 1024];
        using var ms = new MemoryStream();
        while (true)
        {
            var r = await ws.ReceiveAsync(buf, cts.Token);
            ms.Write(buf, 0, r.Count);
            if (r.EndOfMessage)
            {
                Assert.Equal(WebSocketMessageType.Text, r.MessageType);
                return JsonDocument.Parse(ms.ToArray()).RootElement;
            }
        }
    }

    private static async Task<JsonElement> NextFrame(ClientWebSocket ws)
    {
        while (true)
        {
            var j = await NextJson(ws);
            string? type = j.GetProperty("type").GetString();
            if (type == "error") Assert.Fail(j.GetProperty("message").GetString());
            if (type == "frame") return j;
        }
    }

    private static async Task<JsonElement> FrameWhere(ClientWebSocket ws, Func<JsonElement, bool> ok)
    {
        for (int i = 0; i < 400; i++)
        {
            var f = await NextFrame(ws);
            if (ok(f)) return f;
        }
        throw new TimeoutException("no frame matched");
    }

    private static async Task<string> ErrorMessage(ClientWebSocket ws)
    {
        for (int i = 0; i < 200; i++)
        {
            var j = await NextJson(ws);
            if (j.GetProperty("type").GetString() == "error") return j.GetProperty("message").GetString()!;
        }
        throw new TimeoutException("no error came");
    }
}
