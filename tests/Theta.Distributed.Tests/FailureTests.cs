using System.Diagnostics;
using Xunit.Abstractions;

namespace Theta.Distributed.Tests;

/// <summary>
/// Bad input and faults under mpirun: one clear line (printed once, not once per rank), a non-zero exit and
/// nothing overwritten; a rank killed mid-run ends the job within 30 s, and its last checkpoint resumes.
/// </summary>
public sealed class FailureTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("theta-mpi-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);
    private string P(string name) => Path.Combine(_dir, name);

    private static string[] Mnist(params string[] more) => Mnist("mlp", 64, more);

    private static string[] Mnist(string model, int batch, params string[] more) =>
        ["train", "mnist", "--data", Data.Mnist, "--model", model, "--limit", "256", "--test-limit", "100", "--batch", $"{batch}", "--epochs", "1", "--json", .. more];

    [Fact]
    public void MoreRanksThanTheGlobalBatchIsOneLine()
    {
        var r = OpenMpi.Run(3, Mnist("mlp", 2, "--out", P("never.theta")));
        AssertOneLine(r, "the global batch of 2 examples is smaller than the 3 ranks");
        Assert.False(File.Exists(P("never.theta")));
    }

    [Fact]
    public void RanksStartedWithOtherArgumentsAreNamed()
    {
        // mpirun's A : B form starts rank 0 and rank 1 with different command lines (here: another seed).
        var job = OpenMpi.Start([.. OpenMpi.Command(1, Mnist("--seed", "1")), ":", .. OpenMpi.Command(1, Mnist("--seed", "2"))]);
        AssertOneLine(job.Wait(), "rank 1 was started with other arguments or other data files than rank 0");
    }

    [Fact]
    public void OneRankFailingInSetUpIsReportedOnceWithItsRank()
    {
        var job = OpenMpi.Start([.. OpenMpi.Command(1, Mnist()), ":", .. OpenMpi.Command(1, Mnist("--lr", "0"))]);
        AssertOneLine(job.Wait(), "rank 1: --lr must be > 0, got 0");
    }

    [Fact]
    public void CheckpointOfAnotherModelIsOneLineAndOverwritesNothing()
    {
        Ok(OpenMpi.RunAlone(Mnist("--checkpoint", P("mlp.ckpt"))));
        File.WriteAllText(P("keep.theta"), "old");
        var r = OpenMpi.Run(2, Mnist("sigmoid", 64, "--resume", P("mlp.ckpt"), "--out", P("keep.theta")));
        AssertOneLine(r, "the checkpoint is for another architecture");
        Assert.Equal("old", File.ReadAllText(P("keep.theta")));
    }

    [Fact]
    public void DistributedWithoutMpirunSaysHowToStartIt()
    {
        var r = OpenMpi.RunAlone(Mnist("--distributed"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("theta: error: --distributed: this process was not started by Open MPI's mpirun", r.Err);
        Assert.Contains("mpirun -np N theta", r.Err);
    }

    [Fact]
    public void AKilledRankEndsTheJobWithin30SecondsAndTheCheckpointResumes()
    {
        string marker = Guid.NewGuid().ToString("N");
        string[] Long(int epochs, params string[] more) =>
            ["train", "mnist", "--data", Data.Mnist, "--model", "mlp", "--limit", "2048", "--test-limit", "100", "--batch", "64", "--epochs", $"{epochs}",
             "--json", "--checkpoint", P("run.ckpt"), .. more];
        var job = OpenMpi.Start(OpenMpi.Command(2, Long(200)), ("THETA_TEST_JOB", marker));
        try
        {
            var wait = Stopwatch.StartNew();
            while (!File.Exists(P("run.ckpt")) && wait.Elapsed < TimeSpan.FromSeconds(90) && !job.Process.HasExited) Thread.Sleep(200);
            Assert.True(File.Exists(P("run.ckpt")), "no checkpoint was written");
            int pid = RankPid(marker, 1);
            var kill = Stopwatch.StartNew();
            Process.GetProcessById(pid).Kill();
            var r = job.Wait(60);
            output.WriteLine($"the job ended {kill.Elapsed.TotalSeconds:F2} s after rank 1 was killed; exit {r.ExitCode}");
            Assert.True(kill.Elapsed < TimeSpan.FromSeconds(30), $"the job took {kill.Elapsed.TotalSeconds:F0} s to end");
            Assert.NotEqual(0, r.ExitCode);
            Assert.Contains("rank 1", r.Err);
        }
        finally { if (!job.Process.HasExited) job.Process.Kill(entireProcessTree: true); }

        // The last checkpoint is whole (written atomically: it loads as a checkpoint) and continues for one more epoch.
        Ok(OpenMpi.Run(2, Long(EpochOf(P("run.ckpt")) + 1, "--resume", P("run.ckpt"))));
    }

    // The epoch a checkpoint was written after (its training state's "epoch").
    private static int EpochOf(string checkpoint)
    {
        var trainer = Theta.Training.Trainer.Resume(checkpoint, m => new Theta.Optim.Adam(m.Parameters(), new Theta.Optim.AdamOptions()), new Theta.Training.TrainerOptions(Epochs: 1000));
        return trainer.EpochsDone;
    }

    // The process of the given rank in the job marked with THETA_TEST_JOB (mpirun sets OMPI_COMM_WORLD_RANK in each).
    private static int RankPid(string marker, int rank)
    {
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            string env;
            try { env = File.ReadAllText(Path.Combine(dir, "environ")); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            var vars = env.Split('\0');
            if (vars.Contains($"THETA_TEST_JOB={marker}") && vars.Contains($"OMPI_COMM_WORLD_RANK={rank}")) return pid;
        }
        throw new InvalidOperationException($"no process of rank {rank} found");
    }

    private static void AssertOneLine(OpenMpi.Result r, string expected)
    {
        Assert.NotEqual(0, r.ExitCode);
        var lines = r.Err.Split('\n').Where(l => l.StartsWith("theta: error:", StringComparison.Ordinal)).ToArray();
        Assert.True(lines.Length == 1, $"expected one error line, got {lines.Length}:\n{r.Err}");
        Assert.Contains(expected, lines[0]);
    }

    private static void Ok(OpenMpi.Result r) => Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}\nstdout: {r.Out}\nstderr: {r.Err}");
}
