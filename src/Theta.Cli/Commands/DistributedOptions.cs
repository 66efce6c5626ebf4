using Theta.Distributed;

namespace Theta.Cli.Commands;

/// <summary>
/// <c>--distributed</c> and <c>--check-replicas</c> for the verbs that train: data-parallel over the ranks of an
/// Open MPI job (<c>mpirun -np N theta train …</c>), on by itself when mpirun started the process.
/// </summary>
internal sealed class DistributedOptions
{
    public readonly Option<bool?> Distributed = new("--distributed")
    {
        Description = "Share the work among the ranks of an MPI job (training: each rank computes its shard of every batch; search: each its share of the fold models). On when started by Open MPI's mpirun; --distributed forces it, --distributed false makes each process work alone.",
    };

    public readonly Option<bool> CheckReplicas = new("--check-replicas")
    {
        Description = "When distributed: after every step, check that every rank holds the same weights as rank 0 (a checksum broadcast and a small all-reduce per step).",
    };

    /// <param name="training">Also --check-replicas (the verbs that train one network data-parallel).</param>
    public void AddTo(Command cmd, bool training = true)
    {
        cmd.Add(Distributed);
        if (training) cmd.Add(CheckReplicas);
    }

    /// <summary>Joins the MPI job when asked or started by mpirun (first, before any set-up); null to run alone.</summary>
    public DataParallel? Join(ParseResult p)
    {
        if (!(p.GetValue(Distributed) ?? MpiWorld.StartedByMpirun)) return null;
        var world = MpiWorld.Join();
        // The ranks on this machine share its cores (mpirun binds each of ≤ 2 ranks to one core already).
        if (int.TryParse(Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_LOCAL_SIZE"), out int local) && local > 1)
            ThetaRuntime.Threads = Math.Max(1, Math.Min(ThetaRuntime.Threads, Environment.ProcessorCount / local));
        return new DataParallel(world, checkReplicas: p.GetValue(CheckReplicas));
    }

    /// <summary>Ends set-up: every rank succeeded so far, with the same command line and the same bytes in <paramref name="files"/> (files or folders).</summary>
    public static void Ready(ICollectives? group, params string?[] files)
    {
        if (group is MpiWorld world)
            world.Ready(RunFingerprint.Of(Environment.GetCommandLineArgs().Skip(1), files.OfType<string>()));
    }
}
