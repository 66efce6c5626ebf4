using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Theta.Web;

/// <summary>
/// The web app behind <c>theta serve</c>: the pages in <c>wwwroot</c> (index.html introduces every demo)
/// and one WebSocket endpoint per demo (<c>/ws/digits</c>, <c>/ws/playground</c>, <c>/ws/critter</c>). Each connection gets its own session, at most
/// <see cref="ThetaServerOptions.MaxSessions"/> at once, freed when it disconnects. Bad input (an oversized
/// or malformed message, an empty drawing, a file that is no model) gets a JSON error
/// <c>{"type":"error","message":…}</c> and the session carries on.
/// </summary>
public static class ThetaServer
{
    /// <summary>The close status for "too many sessions, try again later" (RFC 6455 registry: 1013).</summary>
    public const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;

    /// <summary>A configured app, not yet started: <c>Run()</c> it (Ctrl+C stops it cleanly) or <c>StartAsync()</c> it in a test.</summary>
    public static WebApplication Build(ThetaServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!File.Exists(options.ModelPath)) throw new FileNotFoundException($"{options.ModelPath}: the digit recogniser's model file is missing");
        string root = AppContext.BaseDirectory;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = root,
            WebRootPath = Path.Combine(root, "wwwroot"),
            ApplicationName = typeof(ThetaServer).Assembly.GetName().Name,
        });
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(k => ServerLimits.Apply(k, options));
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        if (options.LogTo is { } log) builder.Logging.AddProvider(log);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(3));
        var app = builder.Build();

        var sessions = new SemaphoreSlim(options.MaxSessions, options.MaxSessions);
        var playgroundRate = new FrameGovernor();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseWebSockets(ServerLimits.WebSockets());
        // ?network=mlp: the bundled fully connected network instead of the CNN (the page's switch)
        app.Map("/ws/digits", (HttpContext ctx) => Serve(ctx, app, sessions, options, ct => ws => RunDigits(ws,
            ctx.Request.Query["network"] == "mlp" ? options with { ModelPath = options.MlpModelPath } : options, ct)));
        app.Map("/ws/playground", (HttpContext ctx) => Serve(ctx, app, sessions, options, ct => ws => new PlaygroundSession(playgroundRate).RunAsync(ws, options.MaxMessageBytes, ct)));
        app.Map("/ws/critter", (HttpContext ctx) => Serve(ctx, app, sessions, options, ct => ws => new CritterSession(options.CritterBrainPath).RunAsync(ws, ct)));
        return app;
    }

    // Accepts a WebSocket, holds one of the session slots while it lives, and runs the demo's session on it.
    private static async Task Serve(HttpContext ctx, WebApplication app, SemaphoreSlim sessions, ThetaServerOptions options, Func<CancellationToken, Func<WebSocket, Task>> run)
    {
        if (!ctx.WebSockets.IsWebSocketRequest) { ctx.Response.StatusCode = 400; await ctx.Response.WriteAsync("a WebSocket endpoint"); return; }
        using var ws = await ctx.WebSockets.AcceptWebSocketAsync();
        var stopping = app.Lifetime.ApplicationStopping;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, stopping);
        if (!sessions.Wait(0))
        {
            // NOTE: a client may vanish mid-close; that ends its connection, and is no server error to log.
            try
            {
                await SendError(ws, $"the server is busy: at most {options.MaxSessions} sessions at once; close another page and reload", cts.Token);
                await ws.CloseAsync(TryAgainLater, "too many sessions", cts.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException) { }
            return;
        }
        try { await run(cts.Token)(ws); }
        catch (OperationCanceledException) { }
        catch (WebSocketException) { } // the page went away mid-message
        catch (IOException) { }         // or its connection was reset
        finally { sessions.Release(); }
    }

    /// <summary>The addresses the started app listens on (with the real port when 0 was asked for).</summary>
    public static IReadOnlyList<string> Addresses(WebApplication app)
        => [.. app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? []];

    // The digits answer each drawing and send nothing on their own: the session loop with no producer.
    private static async Task RunDigits(WebSocket ws, ThetaServerOptions options, CancellationToken ct)
    {
        DigitSession session;
        try { session = DigitSession.Open(options.ModelPath); }
        catch (ArgumentException e) { await SendError(ws, e.Message, ct); await ws.CloseAsync(WebSocketCloseStatus.InternalServerError, "no model", ct); return; }
        await SessionLoop.RunAsync(ws, options.MaxMessageBytes, [new Outgoing(Encoding.UTF8.GetBytes(session.Describe()), false)],
            static (_, _) => Task.CompletedTask,
            m => { var (binary, reply) = session.Handle(m); return [new Outgoing(reply, binary)]; }, ct);
    }

    private static Task SendError(WebSocket ws, string message, CancellationToken ct)
        => ws.SendAsync(SessionLoop.Error(message).Data, WebSocketMessageType.Text, true, ct);
}
