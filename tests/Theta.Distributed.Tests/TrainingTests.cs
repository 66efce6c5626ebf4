using Xunit.Abstractions;

namespace Theta.Distributed.Tests;

/// <summary>
/// Data-parallel training under <c>mpirun --oversubscribe</c>: N ranks with global batch B follow the one-process
/// trajectory, every rank holds the same weights after every step (<c>--check-replicas</c> compares checksums
/// across ranks and fails the run otherwise), and a checkpoint written by N ranks resumes with any N.
/// </summary>
public sealed class TrainingTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("theta-mpi-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);
    private string P(string name) => Path.Combine(_dir, name);

    // 630 images in global batches of 64: 9 full batches and one of 54 an epoch, 5 epochs = 50 steps (Adam, cosine
    // schedule). 3 ranks split a batch of 64 as 21/21/22 and one of 54 as 18/18/18; 2 ranks as 32/32 and 27/27.
    private static string[] Mnist(string model, string output, int epochs, params string[] more) =>
        ["train", "mnist", "--data", Data.Mnist, "--model", model, "--limit", "630", "--test-limit", "100", "--batch", "64", "--epochs", $"{epochs}", "--json", "--out", output, .. more];

    [Fact]
    public void MnistMlpOnTwoAndThreeRanksFollowsOneProcessFor50Steps()
    {
        Ok(OpenMpi.RunAlone(Mnist("mlp", P("1.theta"), 5)));
        foreach (int n in new[] { 2, 3 })
        {
            Ok(OpenMpi.Run(n, Mnist("mlp", P($"{n}.theta"), 5, "--check-replicas")));
            output.WriteLine($"{n} ranks: {Weights.Difference(P("1.theta"), P($"{n}.theta"))}");
            Weights.AssertClose(P("1.theta"), P($"{n}.theta"), 1e-5);
        }
    }

    // The CSV path (NetworkClassifier: a sigmoid output on the Bernoulli likelihood, an L2 penalty): 80 rows in
    // batches of 16 for 10 epochs = 50 steps; 3 ranks split 16 as 5/5/6.
    [Fact]
    public void CsvMlpOnTwoAndThreeRanksFollowsOneProcessFor50Steps()
    {
        string[] Csv(string output, params string[] more) =>
            ["train", "--train", Data.Cs109("heart-train.csv"), "--test", Data.Cs109("heart-test.csv"), "--model", "mlp", "--hidden", "12",
             "--epochs", "10", "--batch", "16", "--l2", "0.01", "--json", "--out", output, .. more];
        Ok(OpenMpi.RunAlone(Csv(P("1.model"))));
        foreach (int n in new[] { 2, 3 })
        {
            Ok(OpenMpi.Run(n, Csv(P($"{n}.model"), "--check-replicas")));
            output.WriteLine($"{n} ranks: {Weights.Difference(P("1.model"), P($"{n}.model"))}");
            Weights.AssertClose(P("1.model"), P($"{n}.model"), 1e-5);
        }
    }

    // The CNN has dropout, drawn per rank: 2 ranks are deterministic, and resuming 2 ranks from the checkpoint of
    // their first epoch ends bit for bit where the uninterrupted run does; the same checkpoint resumes with 3 ranks.
    [Fact]
    public void CnnCheckpointFromTwoRanksResumesBitForBitAndWithAnyNumberOfRanks()
    {
        string[] Cnn(string output, params string[] more) =>
            ["train", "mnist", "--data", Data.Mnist, "--model", "cnn", "--limit", "96", "--test-limit", "100", "--batch", "32", "--epochs", "2",
             "--json", "--out", output, .. more];
        Ok(OpenMpi.Run(2, Cnn(P("straight.theta"), "--checkpoint", P("epoch{epoch}.ckpt"), "--check-replicas")));
        Ok(OpenMpi.Run(2, Cnn(P("resumed.theta"), "--resume", P("epoch1.ckpt"))));
        Weights.AssertIdentical(P("straight.theta"), P("resumed.theta"));
        Ok(OpenMpi.Run(3, Cnn(P("three.theta"), "--resume", P("epoch1.ckpt"), "--check-replicas")));
    }

    // Only rank 0 prints: one JSON line however many ranks.
    private static void Ok(OpenMpi.Result r)
    {
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}\nstdout: {r.Out}\nstderr: {r.Err}");
        Assert.Single(r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("\"model\"", StringComparison.Ordinal));
    }
}
