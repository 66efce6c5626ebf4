namespace Theta.Browser.Tests;

/// <summary>The critter page in Chromium: a fresh critter runs and learns; the button loads the committed brain.</summary>
[Collection(BrowserCollection.Name)]
public sealed class CritterTests(BrowserFixture browser)
{
    private static string Number(string id) => $"Number(document.getElementById('{id}').textContent.replace(/,/g, ''))";

    [Fact]
    public async Task A_fresh_critter_runs_and_the_trained_brain_loads()
    {
        await using var p = await browser.OpenAsync("critter.html");
        await p.WaitUntilAsync($"{Number("clock")} > 60", "the world's clock passing 60 ticks", seconds: 20);   // normal speed: ≈ 33 a second
        Assert.Equal("fresh", await p.Page.TextContentAsync("#brain"));

        await p.Page.ClickAsync("#load");
        await p.WaitUntilAsync("document.getElementById('brain').textContent === 'trained'", "the trained brain loaded");
        // Learning is off with the trained brain; at the fastest speed the clock races on and it eats.
        await p.Page.ClickAsync("#speeds button[data-speed=veryfast]");
        await p.WaitUntilAsync($"{Number("clock")} > 5000 && {Number("apples")} > 0", "the trained critter past 5,000 ticks, eating", seconds: 30);
        Assert.False(await p.Page.IsCheckedAsync("#learning"));
        Assert.Contains("trained brain", await p.Page.TextContentAsync("#status"));
        // The memory is drawn: the floor the critter has not looked at lately, tinted (r = g, b above them), over the
        // white canvas; the committed brain has a memory, so after 5,000 ticks many cells are stale.
        int fog = await p.Page.EvaluateAsync<int>(@"() => {
            const d = document.getElementById('world').getContext('2d').getImageData(0, 0, 700, 500).data;
            let n = 0;
            for (let i = 0; i < d.length; i += 4) if (d[i] === d[i + 1] && d[i + 2] - d[i] >= 5 && d[i] < 250) n++;
            return n; }");
        Assert.True(fog > 20 * 400, $"{fog} fog pixels: the memory's stale floor is not drawn");
        await p.ScreenshotAsync("critter-trained");
        p.AssertNoProblems();
    }
}
