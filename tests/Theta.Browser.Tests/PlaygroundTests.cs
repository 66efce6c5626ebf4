using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Theta.Browser.Tests;

/// <summary>The 2-D playground in Chromium: it learns the circle, its loss curve falls, a hovered link is edited, three classes.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class PlaygroundTests(BrowserFixture browser)
{
    private const string FirstFrame = "document.getElementById('epoch').dataset.value !== undefined";

    [Fact]
    public async Task The_default_network_learns_the_circle_to_95_percent_within_20_seconds_and_its_loss_curve_falls()
    {
        await using var p = await browser.OpenAsync("playground.html#dataset=circle");
        await p.WaitUntilAsync(FirstFrame, "the first frame");
        var clock = Stopwatch.StartNew();
        await p.Page.ClickAsync("#play");
        await p.WaitUntilAsync("Number(document.getElementById('testAcc').dataset.value) >= 0.95", "95 % test accuracy on the circle", seconds: 20);
        double seconds = clock.Elapsed.TotalSeconds;
        await p.Page.ClickAsync("#play"); // pause
        Assert.Equal("▶ Play", await p.Page.Locator("#play").InnerTextAsync());

        var curve = p.Page.Locator("#curve");
        double Number(string? s) => double.Parse(s ?? "NaN", CultureInfo.InvariantCulture);
        double trainFirst = Number(await curve.GetAttributeAsync("data-train-first")), trainLast = Number(await curve.GetAttributeAsync("data-train-last"));
        double testFirst = Number(await curve.GetAttributeAsync("data-test-first")), testLast = Number(await curve.GetAttributeAsync("data-test-last"));
        int epoch = int.Parse(await p.Page.Locator("#epoch").InnerTextAsync(), CultureInfo.InvariantCulture);
        Assert.True(trainLast < 0.7 * trainFirst && testLast < 0.7 * testFirst,
            $"the losses fell too little by epoch {epoch} ({seconds:F1} s): train {trainFirst:F3} -> {trainLast:F3}, test {testFirst:F3} -> {testLast:F3}");

        // The drawn curves: the mean height of their ink near the left edge and near the right edge.
        var ys = await curve.EvaluateAsync<double[]>("""
            cv => {
              const W = cv.width, H = cv.height, d = cv.getContext('2d').getImageData(0, 0, W, H).data;
              const inkY = x => { let s = 0, n = 0; for (let y = 0; y < H; y++) if (d[4 * (y * W + x)] < 200) { s += y; n++; } return n ? s / n : -1; };
              return [inkY(3), inkY(W - 4), H];
            }
            """);
        Assert.True(ys[0] >= 0 && ys[1] >= 0, $"no loss curve drawn at the edges of the chart ({ys[0]}, {ys[1]})");
        Assert.True(ys[1] - ys[0] > ys[2] / 4, $"the drawn loss curve does not fall: its ink is at y = {ys[0]:F0} on the left and {ys[1]:F0} on the right of {ys[2]} px");
        await p.ScreenshotAsync("playground-circle-learned");
        p.AssertNoProblems();
    }

    [Fact]
    public async Task Hovering_a_link_shows_its_weight_and_a_click_edits_it()
    {
        await using var p = await browser.OpenAsync("playground.html#dataset=circle");
        await p.WaitUntilAsync(FirstFrame, "the first frame");
        // The link from feature x₁ to the first hidden layer's first unit: the middle of the line between them.
        var (x, y) = await LinkMiddle(p.Page, "features", 0, "1", 0);
        await p.Page.Mouse.MoveAsync(x, y);
        string hover = await p.Page.Locator("#hover").InnerTextAsync();
        var m = WeightText().Match(hover);
        Assert.True(m.Success && m.Groups["where"].Value == "layer 1: unit 1 → unit 1", $"hovering the link x₁ → unit 1 shows \"{hover}\"");
        double before = double.Parse(m.Groups["w"].Value, CultureInfo.InvariantCulture);

        await p.Page.Mouse.ClickAsync(x, y);
        Assert.True(await p.Page.Locator("#edit").IsVisibleAsync(), "a click on the link does not open the editor");
        Assert.Equal(before, double.Parse(await p.Page.Locator("#editValue").InputValueAsync(), CultureInfo.InvariantCulture), 3);
        double next = before > 1.5 ? -2.5 : 2.5;
        await p.Page.Locator("#editValue").FillAsync(next.ToString("F1", CultureInfo.InvariantCulture));
        await p.Page.ClickAsync("#editSet");
        string expected = $"weight {next:F3} (layer 1: unit 1 → unit 1)";
        await p.WaitUntilAsync($"document.getElementById('editWhat').textContent === '{expected}'", $"the editor showing \"{expected}\"");

        await p.Page.Mouse.MoveAsync(0, 0);
        await p.Page.Mouse.MoveAsync(x, y);
        Assert.Equal(expected, await p.Page.Locator("#hover").InnerTextAsync());
        p.AssertNoProblems();
    }

    [Fact]
    public async Task Hovering_the_output_unit_shows_its_bias_and_a_click_edits_it()
    {
        await using var p = await browser.OpenAsync("playground.html#dataset=circle");
        await p.WaitUntilAsync(FirstFrame, "the first frame");
        var box = await Box(p.Page, "output", 0);
        await p.Page.Mouse.MoveAsync(box.X + box.Width / 2, box.Y + box.Height / 2);
        Assert.Matches(@"^output unit 1: bias -?\d+\.\d{3}$", await p.Page.Locator("#hover").InnerTextAsync());
        await p.Page.Mouse.ClickAsync(box.X + box.Width / 2, box.Y + box.Height / 2);
        await p.Page.Locator("#editValue").FillAsync("4");
        await p.Page.ClickAsync("#editSet");
        await p.WaitUntilAsync("document.getElementById('editWhat').textContent === 'output unit 1: bias 4.000'", "the editor showing the new bias");
        p.AssertNoProblems();
    }

    [Fact]
    public async Task Three_classes_have_three_output_units_each_in_its_class_colour()
    {
        await using var p = await browser.OpenAsync("playground.html#dataset=gauss3&speed=3");
        await p.WaitUntilAsync("document.querySelectorAll('#net canvas.output').length === 3", "three output units");
        await p.Page.ClickAsync("#play");
        await p.WaitUntilAsync("Number(document.getElementById('epoch').dataset.value) >= 60", "60 epochs");
        await p.Page.ClickAsync("#play");

        // Each output unit's heatmap is P(class k), white to the class's colour: its mean ink leans to that colour.
        var leans = await p.Page.Locator("#net canvas.output").EvaluateAllAsync<int[]>("""
            cvs => cvs.map(cv => {
              const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data, ink = [0, 0, 0];
              for (let i = 0; i < d.length; i += 4) for (let ch = 0; ch < 3; ch++) ink[ch] += 255 - d[i + ch];
              const colours = [[245, 147, 34], [8, 119, 189], [46, 160, 67]].map(c => c.map(v => 255 - v));
              const cos = c => (c[0] * ink[0] + c[1] * ink[1] + c[2] * ink[2]) / Math.hypot(...c) / (Math.hypot(...ink) || 1);
              const scores = colours.map(cos);
              return scores.indexOf(Math.max(...scores));
            })
            """);
        Assert.Equal([0, 1, 2], leans);

        // The last hidden layer's links reach each output unit separately.
        var (x, y) = await LinkMiddle(p.Page, "2", 0, "output", 2);
        await p.Page.Mouse.MoveAsync(x, y);
        string hover = await p.Page.Locator("#hover").InnerTextAsync();
        var m = WeightText().Match(hover);
        Assert.True(m.Success && m.Groups["where"].Value == "layer 3: unit 1 → output unit 3", $"hovering the link unit 1 → output unit 3 shows \"{hover}\"");
        await p.ScreenshotAsync("playground-three-classes");
        p.AssertNoProblems();
    }

    [GeneratedRegex(@"^weight (?<w>-?\d+\.\d{3}) \((?<where>.*)\)$")]
    private static partial Regex WeightText();

    private static async Task<LocatorBoundingBoxResult> Box(IPage page, string layer, int unit)
        => await page.Locator($"#net canvas.unit[data-layer=\"{layer}\"][data-unit=\"{unit}\"]").BoundingBoxAsync()
           ?? throw new InvalidOperationException($"no unit {unit} of layer {layer} on the page");

    // The middle of the link drawn from the right edge of one unit to the left edge of another.
    private static async Task<(float X, float Y)> LinkMiddle(IPage page, string fromLayer, int fromUnit, string toLayer, int toUnit)
    {
        var a = await Box(page, fromLayer, fromUnit);
        var b = await Box(page, toLayer, toUnit);
        return ((a.X + a.Width + b.X) / 2, (a.Y + a.Height / 2 + b.Y + b.Height / 2) / 2);
    }
}
