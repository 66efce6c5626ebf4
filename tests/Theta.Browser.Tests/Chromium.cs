using System.Diagnostics;

namespace Theta.Browser.Tests;

/// <summary>
/// Debian's Chromium for the browser tests: found at <see cref="DefaultPath"/> (or where <c>THETA_CHROMIUM</c>
/// points), and installed with apt-get when it is missing, so that the README's test command works on a fresh
/// Debian 12 machine with only the .NET SDK. Playwright's own browser download is never used.
/// </summary>
internal static class Chromium
{
    public const string DefaultPath = "/usr/bin/chromium";

    /// <summary>
    /// Flags for a headless Chromium on a machine with no network but loopback: no sandbox (tests run as root in
    /// CI), no GPU, and none of the background connections (updates, sync, QUIC) that a closed network refuses.
    /// </summary>
    public static readonly string[] Args =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private static readonly SemaphoreSlim Once = new(1, 1);
    private static readonly string LockFile = Path.Combine(Path.GetTempPath(), "theta-chromium-install.lock");

    /// <summary>The browser's path, after installing it when missing; what was done is appended to <paramref name="log"/>.</summary>
    /// <exception cref="InvalidOperationException">The browser is missing and could not be installed (the message says why).</exception>
    public static async Task<string> EnsureAsync(List<string> log)
    {
        string? asked = Environment.GetEnvironmentVariable("THETA_CHROMIUM");
        if (!string.IsNullOrEmpty(asked))
            return File.Exists(asked) ? asked : throw new InvalidOperationException($"THETA_CHROMIUM={asked}: no such file; unset it to use (or install) {DefaultPath}");
        if (File.Exists(DefaultPath)) return DefaultPath;

        await Once.WaitAsync();
        try
        {
            // NOTE: a file lock as well, so that two test runs on one machine install it once; apt's own lock
            // (waited for below) guards against any other apt-get.
            using var held = await HoldAsync(LockFile, TimeSpan.FromMinutes(10));
            if (File.Exists(DefaultPath)) return DefaultPath;
            var clock = Stopwatch.StartNew();
            string failure = await InstallAsync(log);
            log.Add($"Chromium: apt-get took {clock.Elapsed.TotalSeconds:F0} s");
            if (File.Exists(DefaultPath)) return DefaultPath;
            throw new InvalidOperationException(
                $"the browser tests need Debian's Chromium at {DefaultPath}, and installing it failed: {failure}\n" +
                "Install it by hand (as root: apt-get update && apt-get install -y chromium) or point THETA_CHROMIUM at a Chromium.");
        }
        finally { Once.Release(); }
    }

    // apt-get update, then apt-get install chromium; as root, or through sudo -n. Returns "" or what went wrong.
    private static async Task<string> InstallAsync(List<string> log)
    {
        bool root = Environment.UserName == "root";
        string? sudo = root ? null : new[] { "/usr/bin/sudo", "/bin/sudo" }.FirstOrDefault(File.Exists);
        if (!root && sudo is null) return "not root, and there is no sudo to run apt-get with";
        if (!File.Exists("/usr/bin/apt-get")) return "no apt-get here (this is not Debian or Ubuntu)";
        string[] lockWait = ["-o", "DPkg::Lock::Timeout=600"];
        string[][] steps =
        [
            ["apt-get", .. lockWait, "update", "-qq"],
            ["apt-get", .. lockWait, "install", "-y", "-qq", "--no-install-recommends", "chromium", "fonts-liberation"],
        ];
        foreach (var step in steps)
        {
            string[] argv = sudo is null ? step : [sudo, "-n", .. step];
            log.Add("Chromium: " + string.Join(' ', argv));
            var (code, output) = await RunAsync(argv, TimeSpan.FromMinutes(10));
            if (code != 0) return $"`{string.Join(' ', argv)}` exited {code}: {Tail(output)}";
        }
        return File.Exists(DefaultPath) ? "" : $"apt-get succeeded but {DefaultPath} is still missing";
    }

    private static async Task<(int Code, string Output)> RunAsync(string[] argv, TimeSpan limit)
    {
        var psi = new ProcessStartInfo(argv[0]) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in argv.Skip(1)) psi.ArgumentList.Add(a);
        psi.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {argv[0]}");
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(limit);
        try { await p.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            return (-1, $"timed out after {limit.TotalMinutes:F0} minutes");
        }
        return (p.ExitCode, await stdout + await stderr);
    }

    private static string Tail(string text, int lines = 8)
        => string.Join('\n', text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines));

    // An exclusive lock on a file, retried until it is free or the wait runs out.
    private static async Task<IDisposable> HoldAsync(string path, TimeSpan wait)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException) when (clock.Elapsed < wait) { await Task.Delay(500); }
        }
    }
}
