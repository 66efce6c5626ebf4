using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Theta.Cli.Tests;

/// <summary><c>theta serve</c> as a user runs it: it says where it listens, serves the pages, and stops cleanly on Ctrl+C (SIGINT).</summary>
public sealed class ServeCommandTests
{
    [Fact]
    public async Task ServesTheIndexAndStopsCleanlyOnCtrlC()
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "Theta.Cli.dll"), "serve", "--urls", "http://127.0.0.1:0" }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            string? line = await p.StandardOutput.ReadLineAsync(cts.Token);
            var url = Regex.Match(line ?? "", @"open (http://127\.0\.0\.1:\d+)/").Groups[1].Value;
            Assert.NotEmpty(url);
            using var http = new HttpClient();
            Assert.Contains("digits.html", await http.GetStringAsync(url + "/"));

            using (var kill = Process.Start("kill", ["-INT", p.Id.ToString()])) kill.WaitForExit();
            Assert.True(p.WaitForExit(15_000), "theta serve did not stop on SIGINT");
            Assert.Equal(0, p.ExitCode);
        }
        finally { if (!p.HasExited) p.Kill(true); }
    }

    [Theory]
    [InlineData("--max-sessions", "0", "at least 1 session")]
    [InlineData("--model", "no-such-model.theta", "model file is missing")]
    public void BadOptionsAreOneLine(string option, string value, string message)
    {
        var r = Cli.Run("serve", "--urls", "http://127.0.0.1:0", option, value);
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith("theta: error: ", r.Err);
        Assert.Contains(message, r.Err);
    }
}
