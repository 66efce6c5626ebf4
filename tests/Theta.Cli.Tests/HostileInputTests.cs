using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Theta.Fuzz;

namespace Theta.Cli.Tests;

/// <summary>
/// The real <c>theta</c> against hostile files (issue 19): crafted cases by name, a small seeded fuzz run under a
/// GC heap hard limit, outputs checked before work, and training killed with SIGKILL at random moments.
/// Every refusal must be one line "theta: error: FILE…", exit code 1, no stack trace, no raw control character.
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("theta-hostile-cli-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);
    private string F(string name) => Path.Combine(_dir, name);

    /// <summary>A 512 MiB ceiling on the child's managed heap: a file that makes theta allocate past it fails the test with "out of memory".</summary>
    private static readonly Dictionary<string, string> Ceiling = new() { ["DOTNET_GCHeapHardLimit"] = "0x20000000" };

    private static void AssertOneLineRefusal(Cli.Result r, string file)
    {
        Assert.Equal(1, r.ExitCode);
        var lines = r.Err.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length == 1, $"{lines.Length} lines: {r.Err}");
        Assert.StartsWith($"theta: error: {file}", lines[0]);
        Assert.DoesNotContain("   at ", r.Err);
        Assert.DoesNotContain("out of memory", r.Err);
        Assert.True(r.Err.TrimEnd('\n').All(c => !char.IsControl(c)), $"a raw control character: {r.Err}");
    }

    private static string Hash(string path) => File.Exists(path) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))) : "absent";

    // A network file whose first layer is a 3×3 Conv2d with the given padding, for [1, 28, 28] inputs.
    private static void ConvFile(string path, int padding, string inputShape = "[1,28,28]")
    {
        var arch = $$$"""{"format":"theta-model","version":1,"kind":"network","inputShape":{{{inputShape}}},"network":{"type":"Sequential","layers":[{"type":"Conv2d","in":1,"out":1,"kernel":3,"stride":1,"padding":{{{padding}}},"bias":true},{"type":"Flatten","startDim":1,"endDim":-1},{"type":"Linear","in":784,"out":10,"bias":true}]}}""";
        Theta.Io.SafeTensors.Write(path, [("0.weight", Tensor.Zeros(1, 1, 3, 3)), ("0.bias", Tensor.Zeros(1)), ("2.weight", Tensor.Zeros(10, 784)), ("2.bias", Tensor.Zeros(10))],
            new Dictionary<string, string> { ["theta"] = arch });
    }

    [Fact]
    public void Conv2dPadding4000AndA20000By20000InputAreRefusedUnderTheCeiling()
    {
        ConvFile(F("pad4000.theta"), 4000);
        var r = Cli.RunWith(Ceiling, "summary", "--model", F("pad4000.theta"));
        AssertOneLineRefusal(r, F("pad4000.theta"));
        Assert.Contains("field \"padding\" is 4000", r.Err);
        ConvFile(F("big.theta"), 1, "[1,20000,20000]");
        r = Cli.RunWith(Ceiling, "summary", "--model", F("big.theta"));
        AssertOneLineRefusal(r, F("big.theta"));
        Assert.Contains("400,000,000 values per example", r.Err);
    }

    [Fact]
    public void AnEndlessFileIsRefusedAtOnceAndAPipedModelIsReadOnce()
    {
        var sw = Stopwatch.StartNew();
        var r = Cli.RunWith(Ceiling, "train", "--train", "/dev/zero");
        AssertOneLineRefusal(r, "/dev/zero");
        Assert.Contains("NUL", r.Err);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(20), $"{sw.Elapsed.TotalSeconds:0.0} s");   // ~0.3 s; the bound allows a busy machine's start-up

        // --model <(cat m.theta): a pipe, readable once.
        var model = F("m.theta");
        Assert.Equal(0, Cli.Run("train", "--train", Cli.Cs109("heart-train.csv"), "--model", "nb", "--out", model).ExitCode);
        var dll = Path.Combine(AppContext.BaseDirectory, "Theta.Cli.dll");
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"dotnet '{dll}' summary --model <(cat '{model}')");
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd(), stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, stderr);
        Assert.Contains("bernoulli-naive-bayes", stdout);
    }

    [Fact]
    public void ARunThatWouldFailOnAnOutputWritesNothing()
    {
        var model = F("model.theta");
        File.WriteAllText(model, "the old model");
        var r = Cli.Run("train", "--train", Cli.Cs109("heart-train.csv"), "--out", model, "--plot", F("nope/p.png"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("--plot", r.Err);
        Assert.Contains("does not exist", r.Err);
        Assert.Equal("the old model", File.ReadAllText(model));
        r = Cli.Run("train", "--train", Cli.Cs109("heart-train.csv"), "--out", model, "--plot", model);
        Assert.Contains("is also the --out file", r.Err);
        r = Cli.Run("train", "--train", Cli.Cs109("heart-train.csv"), "--out", _dir);
        Assert.Contains("is a folder", r.Err);
        Assert.Equal("the old model", File.ReadAllText(model));
    }

    [Fact]
    public void ControlCharactersAndHugeCellsAreQuotedShortAndEscaped()
    {
        File.WriteAllText(F("esc.csv"), "a,b,y\n1,\u001b]0;pwned\a\u001b[31mred,1\n");
        var r = Cli.Run("train", "--train", F("esc.csv"));
        AssertOneLineRefusal(r, F("esc.csv") + ":2:2");
        Assert.Contains("\\x1b]0;pwned\\x07\\x1b[31mred", r.Err);
        File.WriteAllText(F("cell.csv"), "a,b,y\n1,2," + new string('x', 10_000_000) + "\n");
        var sw = Stopwatch.StartNew();
        r = Cli.Run("train", "--train", F("cell.csv"));
        AssertOneLineRefusal(r, F("cell.csv") + ":2");
        Assert.True(r.Err.Length < 400, $"{r.Err.Length} characters");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(20));
        File.WriteAllText(F("one.csv"), "a,b,y\n1,0,yes\n0,1,yes\n");
        AssertOneLineRefusal(Cli.Run("train", "--train", F("one.csv"), "--model", "nb", "--out", F("one.theta")), F("one.csv"));
        Assert.False(File.Exists(F("one.theta")));
    }

    [Fact]
    public void MutatedFilesThroughTheRealCommandUnderTheCeiling()
    {
        // A few cases through the whole command (start-up costs ~0.3 s each); the in-process suite runs hundreds.
        var mutator = new FileMutator(1919);
        var seed = F("seed.theta");
        Assert.Equal(0, Cli.Run("train", "--train", Cli.Cs109("heart-train.csv"), "--model", "mlp", "--epochs", "2", "--hidden", "4", "--out", seed).ExitCode);
        var valid = File.ReadAllBytes(seed);
        var output = F("out.theta");
        File.WriteAllText(output, "keep me");
        int cases = Math.Min(FileMutator.Count(small: 12), 2000);
        for (int i = 0; i < cases; i++)
        {
            var bad = F($"case{i}.theta");
            File.WriteAllBytes(bad, mutator.Model(valid));
            var verb = i % 3 == 0 ? new[] { "summary", "--model", bad }
                : i % 3 == 1 ? new[] { "eval", "--model", bad, "--data", Cli.Cs109("heart-test.csv") }
                : new[] { "predict", "--model", bad, "--data", Cli.Cs109("heart-test.csv"), "--out", output };
            var r = Cli.RunWith(Ceiling, verb);
            if (r.ExitCode != 0) AssertOneLineRefusal(r, bad);
            else Assert.Equal("", r.Err);
            if (r.ExitCode != 0) Assert.Equal("keep me", File.ReadAllText(output));
            else if (verb[0] == "predict") File.WriteAllText(output, "keep me");
        }
        var csv = File.ReadAllText(Cli.Cs109("heart-train.csv"));
        string before = Hash(seed);
        for (int i = 0; i < Math.Min(FileMutator.Count(small: 6), 2000); i++)
        {
            var bad = F($"case{i}.csv");
            File.WriteAllText(bad, mutator.Csv(csv));
            var r = Cli.RunWith(Ceiling, "train", "--train", bad, "--model", "nb", "--out", seed, "--json");
            if (r.ExitCode != 0) { AssertOneLineRefusal(r, bad); Assert.Equal(before, Hash(seed)); }
            else before = Hash(seed);
        }
    }

    [Fact]
    public void TrainingKilledAtRandomMomentsLeavesOldOrNewFilesAndResumes()
    {
        // 40 epochs of 1,000 images, a checkpoint after each (~0.1 s apart with the test set's evaluation). Each run is
        // killed at a random moment after it has written its first checkpoint, so some kills land inside a write.
        string mnist = Path.GetDirectoryName(Path.GetDirectoryName(Cli.Cs109("heart-train.csv")))! + "/mnist";
        string ck = F("ck.theta"), output = F("net.theta");
        string[] Args() => ["train", "mnist", "--data", mnist, "--model", "mlp", "--limit", "1000", "--batch", "50", "--epochs", "40",
            "--checkpoint", ck, "--out", output, "--json", .. File.Exists(ck) ? new[] { "--resume", ck } : []];
        File.WriteAllText(output, "old output");
        var rng = new Random(19);
        for (int kill = 0; kill < 5; kill++)
        {
            var last = File.Exists(ck) ? File.GetLastWriteTimeUtc(ck) : DateTime.MinValue;
            using var p = Cli.Start(null, Args());
            var waited = Stopwatch.StartNew();
            while (!(File.Exists(ck) && File.GetLastWriteTimeUtc(ck) != last))   // this run's first checkpoint
            {
                if (p.HasExited) Assert.Fail($"run {kill} ended before its first checkpoint: {p.StandardError.ReadToEnd()}");   // (a message read only then: ReadToEnd waits for the end)
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(90), "no checkpoint within 90 s");
                Thread.Sleep(5);
            }
            Thread.Sleep(rng.Next(0, 250));
            if (p.HasExited) Assert.Fail($"run {kill} ended before it was killed: {p.StandardOutput.ReadToEnd()}");
            p.Kill();                             // SIGKILL: no finally, no flush
            p.WaitForExit();
            var r = Cli.Run("summary", "--model", ck, "--json");   // never torn: it loads
            Assert.True(r.ExitCode == 0, r.Err);
            Assert.Equal("old output", File.ReadAllText(output));        // --out is written only at the end
        }
        // The run to the end resumes from the checkpoint, replaces --out, and tidies the killed runs' temporary files.
        var done = Cli.Run(Args());
        Assert.True(done.ExitCode == 0, done.Err);
        Assert.Contains("\"epochs\":40", done.Out);
        Assert.Equal(0, Cli.Run("summary", "--model", output).ExitCode);
        Assert.Empty(Directory.GetFiles(_dir, ".*.tmp"));
    }
}
