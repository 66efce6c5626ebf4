using System.Diagnostics;

namespace Theta.Distributed.Tests;

/// <summary>
/// Open MPI for the tests: Debian's <c>mpirun</c> (package openmpi-bin), installed with apt-get (as root, or
/// through <c>sudo -n</c>) when it is missing, so that the README's test command works on a fresh Debian 12
/// machine. When it cannot be had the tests fail with the reason; they never skip.
/// </summary>
internal static class OpenMpi
{
    public const string Mpirun = "/usr/bin/mpirun";
    private static readonly Lazy<string> Installed = new(Install);

    public sealed record Result(int ExitCode, string Out, string Err, TimeSpan Elapsed);

    /// <summary>The arguments every test run gets: root may run it, and more ranks than cores.</summary>
    public static readonly string[] Flags = ["--allow-run-as-root", "--oversubscribe"];

    /// <summary><c>mpirun -np <paramref name="ranks"/> dotnet Theta.Cli.dll <paramref name="args"/></c>.</summary>
    public static Result Run(int ranks, params string[] args) => Start(Command(ranks, args)).Wait();

    /// <summary>mpirun's argument list for <c>-np ranks theta args</c>; append <c>:</c> and another for mpirun's A : B form.</summary>
    public static List<string> Command(int ranks, string[] args) => ["-np", $"{ranks}", "dotnet", Theta, .. args];

    /// <summary>The plain command, without mpirun.</summary>
    public static Result RunAlone(params string[] args) => new Job(Process.Start(Psi("dotnet", [Theta, .. args]))!).Wait();

    public static Job Start(IEnumerable<string> mpirunArgs, params (string Name, string Value)[] env)
    {
        var psi = Psi(Installed.Value, [.. Flags, .. env.SelectMany(e => new[] { "-x", $"{e.Name}={e.Value}" }), .. mpirunArgs]);
        return new Job(Process.Start(psi)!);
    }

    public static string Theta => Path.Combine(AppContext.BaseDirectory, "Theta.Cli.dll");

    private static ProcessStartInfo Psi(string file, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    /// <summary>A started mpirun (or theta) whose output is collected as it runs.</summary>
    public sealed class Job(Process p)
    {
        private readonly Task<string> _out = p.StandardOutput.ReadToEndAsync(), _err = p.StandardError.ReadToEndAsync();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        public Process Process { get; } = p;

        public Result Wait(int seconds = 180)
        {
            if (!Process.WaitForExit(seconds * 1000))
            {
                Process.Kill(entireProcessTree: true);
                throw new TimeoutException($"still running after {seconds} s: {Process.StartInfo.FileName} {string.Join(' ', Process.StartInfo.ArgumentList)}\n{_err.Result}");
            }
            return new Result(Process.ExitCode, _out.Result, _err.Result, _clock.Elapsed);
        }
    }

    // mpirun's path, after installing openmpi-bin when it is missing.
    private static string Install()
    {
        if (File.Exists(Mpirun)) return Mpirun;
        bool root = Environment.UserName == "root";
        string? sudo = root ? null : new[] { "/usr/bin/sudo", "/bin/sudo" }.FirstOrDefault(File.Exists);
        string why = !root && sudo is null ? "not root, and there is no sudo to run apt-get with"
            : !File.Exists("/usr/bin/apt-get") ? "no apt-get here (this is not Debian or Ubuntu)"
            : AptGet(sudo);
        return File.Exists(Mpirun) ? Mpirun : throw new InvalidOperationException(
            $"the MPI tests need Open MPI's {Mpirun}, and installing it failed: {why}\nInstall it by hand (as root: apt-get update && apt-get install -y openmpi-bin).");
    }

    private static string AptGet(string? sudo)
    {
        string[] wait = ["-o", "DPkg::Lock::Timeout=600"];
        string[][] steps = [["apt-get", .. wait, "update", "-qq"], ["apt-get", .. wait, "install", "-y", "-qq", "openmpi-bin"]];
        foreach (var step in steps)
        {
            string[] argv = sudo is null ? step : [sudo, "-n", .. step];
            var psi = Psi(argv[0], argv.Skip(1));
            psi.Environment["DEBIAN_FRONTEND"] = "noninteractive";
            var r = new Job(Process.Start(psi)!).Wait(600);
            if (r.ExitCode != 0) return $"`{string.Join(' ', argv)}` exited {r.ExitCode}: {string.Join('\n', (r.Out + r.Err).Split('\n').TakeLast(8))}";
        }
        return $"apt-get succeeded but {Mpirun} is still missing";
    }
}
