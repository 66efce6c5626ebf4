using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Theta.Browser.Tests;

/// <summary>
/// A page in its own browser context, with every problem it shows recorded from the start: console errors,
/// uncaught exceptions, failed requests, HTTP errors (4xx, 5xx) and WebSocket errors.
/// </summary>
public sealed class WatchedPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly ConcurrentQueue<string> _problems = new();

    public WatchedPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, m) => { if (m.Type == "error") _problems.Enqueue($"console error: {m.Text} ({m.Location})"); };
        page.PageError += (_, e) => _problems.Enqueue($"page error: {e}");
        page.RequestFailed += (_, r) => _problems.Enqueue($"request failed: {r.Method} {r.Url}: {r.Failure}");
        page.Response += (_, r) => { if (r.Status >= 400) _problems.Enqueue($"HTTP {r.Status}: {r.Url}"); };
        page.WebSocket += (_, ws) => ws.SocketError += (_, e) => _problems.Enqueue($"WebSocket error on {ws.Url}: {e}");
    }

    public IPage Page { get; }

    /// <summary>The problems seen so far.</summary>
    public IReadOnlyList<string> Problems => _problems.ToArray();

    /// <summary>Fails, listing them, if the page has shown any problem so far.</summary>
    public void AssertNoProblems()
    {
        var seen = _problems.ToArray();
        Assert.True(seen.Length == 0, $"{Page.Url} showed {seen.Length} problem(s):\n" + string.Join('\n', seen));
    }

    /// <summary>Waits until the script <paramref name="condition"/> is true in the page, failing with <paramref name="what"/> and the status line after <paramref name="seconds"/>.</summary>
    public async Task WaitUntilAsync(string condition, string what, double seconds = 10)
    {
        try { await Page.WaitForFunctionAsync(condition, null, new PageWaitForFunctionOptions { Timeout = (float)(seconds * 1000), PollingInterval = 50 }); }
        catch (TimeoutException)
        {
            string status = await Page.Locator("#status").CountAsync() > 0 ? await Page.Locator("#status").InnerTextAsync() : "(no status line)";
            Assert.Fail($"{Page.Url}: {what} did not happen within {seconds} s; the page's status: \"{status}\"; problems: {string.Join("; ", _problems)}");
        }
    }

    /// <summary>A full-page screenshot, screenshots/NAME.png beside the test assembly; returns its path.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        string path = Path.Combine(BrowserFixture.Screenshots, name + ".png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}
