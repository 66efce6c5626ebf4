using System.Globalization;
using Microsoft.Playwright;

namespace Theta.Browser.Tests;

/// <summary>
/// The digit network in space (net3d.js, plain WebGL) on a laptop-sized window (1366×768): it renders, it changes
/// when drawing at 30 frames a second or more (requestAnimationFrame timing in the page), and hovering a unit shows
/// its incoming links, its value and Σw·x + b, which must equal the value for a weighted layer's unit.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class Net3DTests(BrowserFixture browser, Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Snapshot = """
        cv => { const c = document.createElement('canvas'); c.width = cv.width; c.height = cv.height;
                const g = c.getContext('2d'); g.drawImage(cv, 0, 0); return Array.from(g.getImageData(0, 0, c.width, c.height).data.filter((_, i) => i % 4 === 0)); }
        """;

    [Theory]
    [InlineData("cnn")]
    [InlineData("mlp")]
    public async Task The_3D_view_renders_changes_while_drawing_at_30_fps_and_a_hovered_unit_shows_its_links_and_sum(string network)
    {
        await using var p = await browser.OpenAsync(network == "cnn" ? "digits.html" : "digits.html?network=mlp", 1366, 768);
        await p.WaitUntilAsync($"document.getElementById('model-name').textContent.startsWith('model: mnist-{network}')", "the model");
        await p.WaitUntilAsync("Number(document.getElementById('net3d').dataset.fps) > 0", "the 3-D view's first frames");
        var canvas = p.Page.Locator("#net3d");
        var before = await canvas.EvaluateAsync<int[]>(Snapshot);
        int ink = before.Count(v => v < 200); // boxes (dark until drawn) on the light background
        Assert.True(ink > 2000, $"the 3-D view is blank: {ink} dark pixels");

        // Draw a 1 slowly (about 2 s of mouse moves): the view keeps its frame rate meanwhile.
        await p.Page.EvaluateAsync("() => { window.fpsLow = Infinity; const c = document.getElementById('net3d'); window.fpsTimer = setInterval(() => { const f = Number(c.dataset.fps); if (f > 0) window.fpsLow = Math.min(window.fpsLow, f); }, 250); }");
        var pad = await p.Page.Locator("#pad").BoundingBoxAsync() ?? throw new InvalidOperationException("no pad");
        await p.Page.Mouse.MoveAsync(pad.X + pad.Width * 0.52f, pad.Y + pad.Height * 0.14f);
        await p.Page.Mouse.DownAsync();
        for (int i = 1; i <= 40; i++)
        {
            await p.Page.Mouse.MoveAsync(pad.X + pad.Width * (0.52f - 0.035f * i / 40), pad.Y + pad.Height * (0.14f + 0.72f * i / 40));
            await Task.Delay(50);
        }
        await p.Page.Mouse.UpAsync();
        await p.WaitUntilAsync("(() => { const d = document.getElementById('pad').dataset; return Number(d.sent) > 0 && d.sent === d.answered; })()", "the answer to the drawing");
        double fpsLow = await p.Page.EvaluateAsync<double>("() => { clearInterval(window.fpsTimer); return window.fpsLow; }");
        Assert.Equal("1", await p.Page.Locator("#preds").GetAttributeAsync("data-top"));
        output.WriteLine($"{network}: the 3-D view's lowest 60-frame average while drawing: {fpsLow:F1} frames/s");
        Assert.True(fpsLow >= 30, $"the 3-D view ran at {fpsLow:F1} frames a second (its lowest 60-frame average) while drawing");
        // Every layer's boxes take more than one brightness (a layer of NaNs would be all dark).
        var flatLayers = await p.Page.EvaluateAsync<string[]>("""
            () => net3d.slabs.filter(s => new Set(Array.from({ length: s.n }, (_, u) => s.texels[net3d.texel(s, u)])).size < 2).map(s => s.name)
            """);
        Assert.True(flatLayers.Length == 0, $"layers drawn in one brightness: {string.Join(", ", flatLayers)}");
        var after = await canvas.EvaluateAsync<int[]>(Snapshot);
        int changed = before.Zip(after).Count(t => Math.Abs(t.First - t.Second) > 8);
        Assert.True(changed > 500, $"only {changed} pixels of the 3-D view changed when drawing");
        await p.ScreenshotAsync($"net3d-{network}");

        // Hover units of every weighted layer: the last one's (10 logits) and the first one's.
        var layers = await p.Page.EvaluateAsync<int[]>("() => model.layers.filter(l => l.hasWeights).map(l => l.index)");
        foreach (int layer in new[] { layers[^1], layers[0] })
        {
            int unit = await p.Page.EvaluateAsync<int>($"() => {{ const l = model.layers.find(q => q.index === {layer}); return l.shape.length === 3 ? (0 * l.shape[1] + 14) * l.shape[2] + 14 : 1; }}");
            var xy = await p.Page.EvaluateAsync<double[]>($"() => net3d.screenOf({layer}, {unit})");
            await p.Page.Mouse.MoveAsync((float)xy[0], (float)xy[1]);
            await p.WaitUntilAsync("document.getElementById('net3d-info').dataset.sum", $"layer {layer}'s Σw·x + b");
            var info = p.Page.Locator("#net3d-info");
            string text = await info.InnerTextAsync();
            Assert.StartsWith($"layer {layer}:", text);
            double value = double.Parse((await info.GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture);
            double sum = double.Parse((await info.GetAttributeAsync("data-sum"))!, CultureInfo.InvariantCulture);
            int links = int.Parse((await info.GetAttributeAsync("data-links"))!, CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(sum - value) < 2e-3 + 1e-4 * Math.Abs(value), $"layer {layer}: Σw·x + b = {sum} but the unit's value is {value} ({text})");
            Assert.True(links > 9, $"layer {layer}: {links} links drawn");
        }
        await Task.Delay(100); // a frame or two: the links are drawn with the frame
        int linkInk = await p.Page.Locator("#net3d-links").EvaluateAsync<int>(
            "cv => { const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data; let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }");
        Assert.True(linkInk > 50, $"the links are not drawn ({linkInk} pixels on the overlay)");
        var hovered = await canvas.EvaluateAsync<int[]>(Snapshot);
        await p.ScreenshotAsync($"net3d-{network}-hover");

        // The flat alternative: the same units side by side.
        await p.Page.ClickAsync("#view2d");
        await Task.Delay(200);
        var flat = await canvas.EvaluateAsync<int[]>(Snapshot);
        Assert.True(hovered.Zip(flat).Count(t => Math.Abs(t.First - t.Second) > 8) > 500, "the flat view looks like the 3-D one");
        await p.ScreenshotAsync($"net3d-{network}-flat");
        p.AssertNoProblems();
    }
}
