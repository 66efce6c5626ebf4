using System.Diagnostics;

namespace Theta.Cli.Tests;

/// <summary>Runs the real <c>theta</c> command (Theta.Cli.dll beside the tests) in a child process.</summary>
public static class Cli
{
    public sealed record Result(int ExitCode, string Out, string Err);

    public static Result Run(params string[] args) => RunWith(new Dictionary<string, string>(), args);

    /// <summary>As <see cref="Run"/>, with environment variables set for the child (e.g. THETA_ISA).</summary>
    public static Result RunWith(IReadOnlyDictionary<string, string> env, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Theta.Cli.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (k, v) in env) psi.Environment[k] = v;
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException("theta " + string.Join(' ', args)); }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
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
