using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Xunit.Abstractions;

namespace Theta.Web.Tests;

[CollectionDefinition(nameof(PlaygroundLoadCollection), DisableParallelization = true)]
public sealed class PlaygroundLoadCollection;

/// <summary>
/// A class at once: N playground pages on one server, each playing the default network (the circle, 4-2 tanh,
/// one epoch a frame), for a while; per page the frames a second, for the server its CPU and memory. The suite
/// runs N = 20 for a few seconds and checks that every page keeps receiving frames; <c>THETA_LOAD_SESSIONS=10,50,100</c>
/// (and <c>THETA_LOAD_SECONDS</c>, default 20) measures those instead and prints the table of docs/benchmarks.md.
/// It runs alone (its own collection, parallelism off), so it competes with no other test's timing.
/// </summary>
[Collection(nameof(PlaygroundLoadCollection))]
public sealed class PlaygroundLoadTests(ITestOutputHelper output)
{
    public sealed record LoadResult(int Sessions, double Seconds, double MinFps, double MedianFps, double MeanFps, double MaxGapMs, double CpuCores, double WorkingSetMiB, double ManagedMiB);

    [Fact]
    public async Task Twenty_playing_pages_all_keep_receiving_frames()
    {
        var sizes = (Environment.GetEnvironmentVariable("THETA_LOAD_SESSIONS") ?? "20").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        double seconds = double.Parse(Environment.GetEnvironmentVariable("THETA_LOAD_SECONDS") ?? "5", CultureInfo.InvariantCulture);
        output.WriteLine("| sessions | s | fps per page: min / median / mean | longest gap (ms) | CPU (cores) | working set (MiB) | managed heap (MiB) |");
        output.WriteLine("|---:|---:|---|---:|---:|---:|---:|");
        foreach (int n in sizes)
        {
            var r = await Measure(n, TimeSpan.FromSeconds(seconds));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Sessions} | {r.Seconds:F0} | {r.MinFps:F1} / {r.MedianFps:F1} / {r.MeanFps:F1} | {r.MaxGapMs:F0} | {r.CpuCores:F2} | {r.WorkingSetMiB:F0} | {r.ManagedMiB:F0} |"));
            // Every page keeps receiving frames: at least 2 a second each, and no page waits over 2 s for one.
            Assert.True(r.MinFps >= 2, $"{n} sessions: the slowest page got {r.MinFps:F1} frames a second");
            Assert.True(r.MaxGapMs < 2000, $"{n} sessions: a page waited {r.MaxGapMs:F0} ms for a frame");
        }
    }

    /// <summary>Starts a server for <paramref name="n"/> sessions, opens n pages, plays them all, and measures for <paramref name="time"/>.</summary>
    public static async Task<LoadResult> Measure(int n, TimeSpan time)
    {
        var app = ThetaServer.Build(new ThetaServerOptions("http://127.0.0.1:0", maxSessions: n));
        await app.StartAsync();
        var pages = new List<ClientWebSocket>();
        try
        {
            var uri = new Uri($"ws://{new Uri(ThetaServer.Addresses(app).Single()).Authority}/ws/playground");
            for (int i = 0; i < n; i++)
            {
                var ws = new ClientWebSocket();
                await ws.ConnectAsync(uri, default);
                pages.Add(ws);
            }
            using var stop = new CancellationTokenSource();
            var counters = pages.Select(_ => new PageCounter()).ToArray();
            var readers = pages.Select((ws, i) => Read(ws, counters[i], stop.Token)).ToArray();
            foreach (var ws in pages) await ws.SendAsync(Encoding.UTF8.GetBytes("""{"type":"play"}"""), WebSocketMessageType.Text, true, default);
            await Task.Delay(TimeSpan.FromSeconds(1)); // warm up: the first frames and the JIT

            var proc = Process.GetCurrentProcess();
            var cpu0 = proc.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            foreach (var c in counters) c.Start(clock);
            long peakWs = 0;
            while (clock.Elapsed < time)
            {
                await Task.Delay(250);
                proc.Refresh();
                peakWs = Math.Max(peakWs, proc.WorkingSet64);
            }
            double elapsed = clock.Elapsed.TotalSeconds;
            proc.Refresh();
            double cpu = (proc.TotalProcessorTime - cpu0).TotalSeconds / elapsed;
            var fps = counters.Select(c => c.Frames / elapsed).Order().ToArray();
            double gap = counters.Max(c => c.MaxGap(clock));
            await stop.CancelAsync();
            foreach (var ws in pages) ws.Abort();
            await Task.WhenAll(readers);
            return new LoadResult(n, elapsed, fps[0], fps[fps.Length / 2], fps.Average(), gap, cpu, peakWs / 1048576.0, GC.GetTotalMemory(false) / 1048576.0);
        }
        finally
        {
            foreach (var ws in pages) ws.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    // Frames one page received since Start, and the longest wait between two of them.
    private sealed class PageCounter
    {
        private readonly object _gate = new();
        private Stopwatch? _clock;
        private double _last, _maxGap;
        public int Frames;

        public void Start(Stopwatch clock) { lock (_gate) { _clock = clock; _last = 0; Frames = 0; } }

        public void Frame()
        {
            lock (_gate)
            {
                if (_clock is null) return;
                double now = _clock.Elapsed.TotalMilliseconds;
                _maxGap = Math.Max(_maxGap, now - _last);
                _last = now;
                Frames++;
            }
        }

        public double MaxGap(Stopwatch clock) { lock (_gate) return Math.Max(_maxGap, clock.Elapsed.TotalMilliseconds - _last); }
    }

    private static async Task Read(ClientWebSocket ws, PageCounter counter, CancellationToken stop)
    {
        var buf = new byte[256 * 1024];
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var r = await ws.ReceiveAsync(buf, stop);
                if (r.MessageType == WebSocketMessageType.Close) return;
                if (r.EndOfMessage && r.MessageType == WebSocketMessageType.Binary) counter.Frame();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException) { }
    }
}
