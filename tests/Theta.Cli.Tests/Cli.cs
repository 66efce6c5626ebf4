using System.Diagnostics;

namespace Theta.Cli.Tests;

/// <summary>Runs the real <c>theta</c> command (Theta.Cli.dll beside the tests) in a child process.</summary>
public static class Cli
{
    public sealed record Result(int ExitCode, string Out, string Err);

    public static Result Run(params string[] args) => RunWith(null, args);

    /// <summary>Runs theta with extra environment variables (e.g. DOTNET_GCHeapHardLimit, a memory ceiling).</summary>
    public static Result RunWith(IReadOnlyDictionary<string, string>? env, params string[] args) => RunDll("Theta.Cli.dll", env, args);

    /// <summary>Runs bench/Theta.Peers (the OpenBLAS comparison, kept out of theta; Theta.Peers.dll beside the tests).</summary>
    public static Result RunPeers(IReadOnlyDictionary<string, string>? env, params string[] args) => RunDll("Theta.Peers.dll", env, args);

    private static Result RunDll(string dll, IReadOnlyDictionary<string, string>? env, string[] args)
    {
        using var p = Start(dll, env, args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException("theta " + string.Join(' ', args)); }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Starts theta (output redirected) and returns the process, for a test that kills it.</summary>
    public static Process Start(IReadOnlyDictionary<string, string>? env, params string[] args) => Start("Theta.Cli.dll", env, args);

    private static Process Start(string dll, IReadOnlyDictionary<string, string>? env, string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        return Process.Start(psi)!;
    }

    /// <summary>The CS109 data: $THETA_DATA/cs109 or ../shared/data/cs109 beside the repository (tests fail, not skip, without it).</summary>
    public static string Cs109(string file)
    {
        var env = Environment.GetEnvironmentVariable("THETA_DATA");
        string root;
        if (!string.IsNullOrEmpty(env)) root = env;
        else
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Theta.slnx"))) dir = dir.Parent;
            root = Path.Combine(dir?.Parent?.FullName ?? throw new InvalidOperationException("no repository root"), "shared", "data");
        }
        var path = Path.Combine(root, "cs109", file);
        return File.Exists(path) ? path : throw new FileNotFoundException($"test data not found: {path}; set THETA_DATA");
    }
}
