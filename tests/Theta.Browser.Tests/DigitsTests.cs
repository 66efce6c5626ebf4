using Microsoft.Playwright;

namespace Theta.Browser.Tests;

/// <summary>The digit recogniser with real mouse strokes on its 280×280 pad, read by both bundled networks (the CNN and the 784-300-100-10 MLP).</summary>
[Collection(BrowserCollection.Name)]
public sealed class DigitsTests(BrowserFixture browser)
{
    [Theory]
    [InlineData("cnn")]
    [InlineData("mlp")]
    public async Task A_vertical_stroke_drawn_with_the_mouse_is_a_1(string network)
    {
        await using var p = await Open(network);
        await Stroke(p.Page, [(145, 40), (135, 240)]);
        Assert.Equal("1", await Answer(p));
        await p.ScreenshotAsync($"digits-stroke-1-{network}");
        p.AssertNoProblems();
    }

    [Theory]
    [InlineData("cnn")]
    [InlineData("mlp")]
    public async Task A_loop_drawn_with_the_mouse_is_a_0(string network)
    {
        await using var p = await Open(network);
        // A closed ellipse, a little taller than wide, started and ended at its top.
        var loop = Enumerable.Range(0, 49).Select(i => i * 2 * Math.PI / 48).Select(t => (140 + 65 * Math.Sin(t), 140 - 95 * Math.Cos(t))).ToArray();
        await Stroke(p.Page, loop);
        Assert.Equal("0", await Answer(p));
        await p.ScreenshotAsync($"digits-loop-0-{network}");
        p.AssertNoProblems();
    }

    [Fact]
    public async Task The_switch_reads_the_same_drawing_with_the_other_network()
    {
        await using var p = await Open("cnn");
        await Stroke(p.Page, [(145, 40), (135, 240)]);
        Assert.Equal("1", await Answer(p));
        await p.Page.SelectOptionAsync("#network", "mlp");
        await p.WaitUntilAsync("document.getElementById('model-name').textContent.includes('mnist-mlp')", "the MLP's description");
        Assert.Equal("1", await Answer(p));
        Assert.Contains("network=mlp", p.Page.Url);
        p.AssertNoProblems();
    }

    // The page with one of the bundled networks; the model line names its file (mnist-cnn or mnist-mlp).
    private async Task<WatchedPage> Open(string network)
    {
        var p = await browser.OpenAsync(network == "cnn" ? "digits.html" : $"digits.html?network={network}");
        await p.WaitUntilAsync($"document.getElementById('model-name').textContent.startsWith('model: mnist-{network}')", $"the {network}'s description");
        return p;
    }

    // Presses the mouse at the first point, moves through the rest in small steps, and lets go; pad coordinates.
    private static async Task Stroke(IPage page, IReadOnlyList<(double X, double Y)> points)
    {
        var pad = await page.Locator("#pad").BoundingBoxAsync() ?? throw new InvalidOperationException("the pad is not on the page");
        double sx = pad.Width / 280, sy = pad.Height / 280;
        await page.Mouse.MoveAsync((float)(pad.X + points[0].X * sx), (float)(pad.Y + points[0].Y * sy));
        await page.Mouse.DownAsync();
        foreach (var (x, y) in points.Skip(1))
            await page.Mouse.MoveAsync((float)(pad.X + x * sx), (float)(pad.Y + y * sy), new MouseMoveOptions { Steps = 4 });
        await page.Mouse.UpAsync();
    }

    // The top guess once the page shows the answer to its latest drawing.
    private static async Task<string?> Answer(WatchedPage p)
    {
        await p.WaitUntilAsync(
            "(() => { const d = document.getElementById('pad').dataset; return Number(d.sent) > 0 && d.sent === d.answered && document.getElementById('preds').dataset.top !== undefined; })()",
            "an answer to the drawing");
        return await p.Page.Locator("#preds").GetAttributeAsync("data-top");
    }
}
