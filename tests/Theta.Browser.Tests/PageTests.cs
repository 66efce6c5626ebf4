namespace Theta.Browser.Tests;

/// <summary>Every page loads in Chromium with no console error, page error or failed request; a screenshot of each.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PageTests(BrowserFixture browser)
{
    // Each page, and the script that is true once it has done what it does on load.
    public static TheoryData<string, string, string> Pages => new()
    {
        { "index.html", "index", "document.querySelectorAll('.demos a').length > 0" },
        { "digits.html", "digits", "document.getElementById('model-name').textContent.startsWith('model: ')" },
        { "playground.html", "playground", "document.getElementById('epoch').dataset.value === '0'" },
        { "critter.html", "critter", "Number(document.getElementById('clock').textContent.replace(/,/g, '')) > 0" },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task The_page_loads_without_errors(string path, string name, string ready)
    {
        await using var p = await browser.OpenAsync(path);
        await p.WaitUntilAsync(ready, "the page's first content");
        await p.Page.WaitForTimeoutAsync(500); // late errors: a WebSocket frame after the first, an image
        await p.ScreenshotAsync(name);
        p.AssertNoProblems();
    }

    [Fact]
    public async Task The_index_links_every_demo_page_and_each_is_tested_here()
    {
        await using var p = await browser.OpenAsync("/");
        var links = await p.Page.Locator(".demos a").EvaluateAllAsync<string[]>("as => as.map(a => a.getAttribute('href'))");
        var tested = Pages.Select(row => (string)row[0]).Where(path => path != "index.html");
        Assert.Equal(tested.Order(), links.Order());
        p.AssertNoProblems();
    }

    [Fact]
    public async Task The_watcher_sees_console_errors_uncaught_exceptions_and_missing_files()
    {
        // The load tests above pass only when nothing is seen; this shows that each kind of problem is seen.
        await using var p = await browser.OpenAsync("index.html");
        await p.Page.EvaluateAsync("() => { console.error('a console error'); setTimeout(() => { throw new Error('an uncaught error'); }); fetch('no-such-file.js').catch(() => {}); }");
        for (int i = 0; i < 100 && p.Problems.Count < 3; i++) await Task.Delay(50);
        var seen = string.Join('\n', p.Problems);
        Assert.Contains("console error: a console error", seen);
        Assert.Contains("page error: Error: an uncaught error", seen);
        Assert.Contains("HTTP 404:", seen);
        Assert.Contains("no-such-file.js", seen);
    }
}
