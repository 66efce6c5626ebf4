using System.Diagnostics;

namespace Theta.Browser.Tests;

/// <summary>
/// The playground past classification: the plane regression, controls hidden through the URL, "download this
/// network" read back by <c>theta summary</c>, the three-class boundary, and a refused page saying why.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PlaygroundTeachingTests(BrowserFixture browser)
{
    private const string FirstFrame = "document.getElementById('epoch').dataset.value !== undefined";

    [Fact]
    public async Task The_plane_regression_reaches_a_test_error_under_0_05_within_20_seconds_on_its_own_colour_scale()
    {
        await using var p = await browser.OpenAsync("playground.html#dataset=plane");
        await p.WaitUntilAsync("document.getElementById('testLossName').textContent === 'Test error (MSE)'", "the first regression frame");
        Assert.Equal("Test error (MSE)", await p.Page.Locator("#testLossName").InnerTextAsync());
        Assert.False(await p.Page.Locator("#testAcc").IsVisibleAsync(), "a regression shows a test accuracy");
        Assert.True(await p.Page.Locator("#legend").IsVisibleAsync(), "no colour scale for the predicted value");
        Assert.Equal("squared", await p.Page.Locator("#loss").InputValueAsync());   // the loss shown is the one used
        var clock = Stopwatch.StartNew();
        await p.Page.ClickAsync("#play");
        await p.WaitUntilAsync("Number(document.getElementById('testLoss').dataset.value) < 0.05", "test error under 0.05 on the plane", seconds: 20);
        double seconds = clock.Elapsed.TotalSeconds;
        await p.Page.ClickAsync("#play");
        // The map: purple (−1) at the bottom left, teal (+1) at the top right, white along the diagonal x₁ = −x₂.
        var px = await p.Page.Locator("#map").EvaluateAsync<int[]>("""
            cv => { const g = cv.getContext('2d'), at = (x, y) => [...g.getImageData(x, y, 1, 1).data.slice(0, 3)];
                    return [...at(15, 385), ...at(385, 15), ...at(200, 200)]; }
            """);
        Assert.True(px[0] > px[1] && px[2] > px[1], $"bottom left is not purple: rgb({px[0]},{px[1]},{px[2]}) after {seconds:F1} s");
        Assert.True(px[4] > px[3] && px[4] > px[5] - 40, $"top right is not teal: rgb({px[3]},{px[4]},{px[5]})");
        Assert.True(px[6] > 200 && px[7] > 200 && px[8] > 200, $"the middle (value 0) is not near white: rgb({px[6]},{px[7]},{px[8]})");
        await p.ScreenshotAsync("playground-plane-regression");
        p.AssertNoProblems();
    }

    [Fact]
    public async Task Controls_named_in_the_URL_are_hidden_and_stay_hidden()
    {
        await using var p = await browser.OpenAsync("playground.html#dataset=circle&learningRate_hide=1&dataset_hide=1&layers_hide=1&noise_hide=true");
        await p.WaitUntilAsync(FirstFrame, "the first frame");
        foreach (var sel in new[] { "#learningRate", "#dataset", "#noise", "#addLayer", "#net .colhead button" })
            Assert.False(await p.Page.Locator(sel).First.IsVisibleAsync(), $"{sel} is visible though the URL hides it");
        foreach (var sel in new[] { "#optimizer", "#play", "#download", "#batchSize", "#net .colhead select" })
            Assert.True(await p.Page.Locator(sel).First.IsVisibleAsync(), $"{sel} is hidden though the URL does not hide it");
        // A change rewrites the address: the hides stay in it, so the shared page keeps them.
        await p.Page.SelectOptionAsync("#optimizer", "sgd");
        string hash = await p.Page.EvaluateAsync<string>("location.hash");
        Assert.Contains("learningRate_hide=1", hash);
        Assert.Contains("optimizer=sgd", hash);
        await p.ScreenshotAsync("playground-hidden-controls");
        p.AssertNoProblems();
    }

    [Fact]
    public async Task The_downloaded_network_loads_with_theta_summary()
    {
        await using var p = await browser.OpenAsync("playground.html#dataset=gauss3&layers=5,3&features=7");
        await p.WaitUntilAsync("document.querySelectorAll('#net canvas.output').length === 3", "three output units");
        await p.Page.ClickAsync("#step");
        var download = await p.Page.RunAndWaitForDownloadAsync(() => p.Page.ClickAsync("#download"));
        Assert.Matches(@"^playground-gauss3-epoch\d+\.theta$", download.SuggestedFilename);
        string path = Path.Combine(Path.GetTempPath(), $"theta-browser-{Guid.NewGuid():N}.theta");
        try
        {
            await download.SaveAsAsync(path);
            var (code, output) = Theta("summary", "--model", path, "--json");
            Assert.True(code == 0, $"theta summary failed ({code}): {output}");
            // 3 features → 5 → 3 → 3 classes: (3·5 + 5) + (5·3 + 3) + (3·3 + 3) parameters.
            Assert.Contains("\"totalParameters\":50", output);
            Assert.Contains("\"outputShape\":\"[1, 3]\"", output);
        }
        finally { File.Delete(path); }
        p.AssertNoProblems();
    }

    [Fact]
    public async Task Three_classes_draw_the_boundary_where_the_winning_class_changes()
    {
        await using var p = await browser.OpenAsync("playground.html#dataset=gauss3&speed=3");
        await p.WaitUntilAsync(FirstFrame, "the first frame");
        await p.Page.ClickAsync("#play");
        await p.WaitUntilAsync("Number(document.getElementById('testAcc').dataset.value) >= 0.9", "90 % on three Gaussians", seconds: 20);
        await p.Page.ClickAsync("#play");
        // Dark boundary ink: pixels darker than any class colour at full strength (the darkest, blue, has a channel sum of 316).
        int dark = await p.Page.Locator("#map").EvaluateAsync<int>("""
            cv => { const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data; let n = 0;
                    for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] < 200) n++; return n; }
            """);
        await p.ScreenshotAsync("playground-three-class-boundary");
        Assert.True(dark > 300, $"only {dark} boundary pixels on the three-class map");
        p.AssertNoProblems();
    }

    [Fact]
    public async Task A_page_refused_by_max_sessions_says_server_busy_try_again()
    {
        var open = new List<WatchedPage>();
        try
        {
            for (int i = 0; i < BrowserFixture.MaxSessions; i++)
            {
                var held = await browser.OpenAsync("playground.html");
                open.Add(held);
                await held.WaitUntilAsync(FirstFrame, $"page {i + 1}'s first frame");
            }
            await using var p = await browser.OpenAsync("playground.html");
            await p.WaitUntilAsync("document.getElementById('retry') !== null", "the busy message and its retry button");
            string status = await p.Page.Locator("#status").InnerTextAsync();
            Assert.StartsWith("Server busy, try again", status);
            await p.ScreenshotAsync("playground-server-busy");
            // A place frees up: "Try again" connects.
            await open[0].DisposeAsync();
            open.RemoveAt(0);
            await Task.Delay(300);
            await p.Page.ClickAsync("#retry");
            await p.WaitUntilAsync(FirstFrame, "the first frame after trying again");
        }
        finally
        {
            foreach (var held in open) await held.DisposeAsync();
        }
    }

    [Fact]
    public async Task On_a_laptop_window_the_page_fits_its_width()
    {
        await using var p = await browser.OpenAsync("playground.html#dataset=multigauss", 1366, 768);
        await p.WaitUntilAsync("document.getElementById('testLossName').textContent === 'Test error (MSE)'", "the first regression frame");
        int scroll = await p.Page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        var map = await p.Page.Locator("#map").BoundingBoxAsync() ?? throw new InvalidOperationException("no map");
        await p.ScreenshotAsync("playground-1366x768");
        Assert.True(scroll <= 1366, $"the page is {scroll} px wide in a 1366 px window");
        Assert.True(map.X + map.Width <= 1366, $"the output map ends at x = {map.X + map.Width}");
        p.AssertNoProblems();
    }

    private static (int Code, string Output) Theta(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Theta.Cli.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var proc = Process.Start(psi)!;
        var stdout = proc.StandardOutput.ReadToEndAsync();
        var stderr = proc.StandardError.ReadToEndAsync();
        if (!proc.WaitForExit(60_000)) { proc.Kill(true); throw new TimeoutException("theta " + string.Join(' ', args)); }
        return (proc.ExitCode, stdout.Result + stderr.Result);
    }
}
