using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using Theta.Web;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Theta.Browser.Tests;

/// <summary>The browser tests share one server and one Chromium; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

/// <summary>
/// The real server (<see cref="ThetaServer"/>) on a free loopback port, as Theta.Web.Tests starts it, and a headless
/// Debian Chromium driven by Playwright, installed first when it is missing (<see cref="Chromium"/>). When the
/// browser cannot be had, this throws, and so every browser test fails with the reason: they never skip.
/// </summary>
public sealed class BrowserFixture(IMessageSink sink) : IAsyncLifetime
{
    private WebApplication _app = null!;
    private IPlaywright _playwright = null!;

    /// <summary>The server's address, e.g. http://127.0.0.1:40123/.</summary>
    public Uri Http { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The server's --max-sessions: one page more is refused.</summary>
    public const int MaxSessions = 4;

    /// <summary>Where the screenshots go: screenshots/ beside the test assembly (bin/Release/net10.0/screenshots).</summary>
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        var log = new List<string>();
        var clock = Stopwatch.StartNew();
        try
        {
            string chromium = await Chromium.EnsureAsync(log);
            _app = ThetaServer.Build(new ThetaServerOptions("http://127.0.0.1:0", maxSessions: MaxSessions));
            await _app.StartAsync();
            Http = new Uri(ThetaServer.Addresses(_app).Single());
            _playwright = await Playwright.CreateAsync();
            Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = chromium,
                Headless = true,
                Args = Chromium.Args,
                Timeout = 60_000,
            });
            Directory.CreateDirectory(Screenshots);
            log.Add($"Chromium {Browser.Version} from {chromium}, server at {Http}, ready in {clock.Elapsed.TotalSeconds:F1} s; screenshots in {Screenshots}");
        }
        finally
        {
            foreach (var line in log) sink.OnMessage(new DiagnosticMessage(line));
        }
    }

    /// <summary>A new page (its own context, 1440×900 unless told) that records every console error, page error, failed request and WebSocket error.</summary>
    public async Task<WatchedPage> OpenAsync(string path, int width = 1440, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        var watched = new WatchedPage(context, page);
        await page.GotoAsync(new Uri(Http, path).ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        return watched;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
