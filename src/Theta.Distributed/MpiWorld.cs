using System.Runtime.InteropServices;
using System.Text;
using Theta.Training;

namespace Theta.Distributed;

/// <summary>
/// This process's place in an MPI job (MPI_COMM_WORLD), as the <see cref="ICollectives"/> that data-parallel
/// training uses: <see cref="Broadcast"/> is MPI_Bcast, <see cref="AllReduceSum(Span{float})"/> is MPI_Allreduce
/// with MPI_SUM in place. Made by <see cref="Join"/> in every process that <c>mpirun -np N</c> started; disposing
/// it calls MPI_Finalize.
/// <para>A run has two phases. During set-up (reading arguments and data, before <see cref="Ready"/>) the ranks
/// make no collective call, so a rank that fails there can still tell the others: <see cref="Settle"/> and
/// <see cref="Ready"/> meet in the same all-reduce, and every rank stops with the failing rank's message. After
/// <see cref="Ready"/>, a failure found by every rank alike (a <see cref="DataParallelException"/>, a diverged loss)
/// ends each rank by itself; any other failure of one rank ends the whole job with MPI_Abort.</para>
/// </summary>
public sealed unsafe class MpiWorld : ICollectives, IDisposable
{
    // Elements per MPI call: counts are C ints, so longer buffers go in pieces.
    private const int MaxCount = 1 << 30;
    private bool _ready, _disposed;

    private MpiWorld(int rank, int size) { Rank = rank; Size = size; }

    /// <summary>The job this process joined, until it is disposed; null outside an MPI job.</summary>
    public static MpiWorld? Current { get; private set; }

    public int Rank { get; }
    public int Size { get; }

    /// <summary>True when this process was started by Open MPI's launcher (mpirun/mpiexec, or srun with PMIx): it sets OMPI_COMM_WORLD_SIZE.</summary>
    public static bool StartedByMpirun => Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is { Length: > 0 };

    /// <summary>
    /// Joins the MPI job (MPI_Init_thread with MPI_THREAD_SERIALIZED; errors on MPI_COMM_WORLD are returned, not fatal).
    /// </summary>
    /// <exception cref="InvalidOperationException">Not started by mpirun, or Open MPI is not installed: the message says how to install and start it.</exception>
    public static MpiWorld Join()
    {
        if (Current is not null) return Current;
        const string start = "start it with: mpirun -np N theta … (as root add --allow-run-as-root; for more ranks than cores --oversubscribe)";
        if (!StartedByMpirun)
            throw new InvalidOperationException($"--distributed: this process was not started by Open MPI's mpirun (OMPI_COMM_WORLD_SIZE is not set); {start}");
        if (!Mpi.TryLoad(out string? why))
            throw new InvalidOperationException($"--distributed: {why}; install Open MPI with: apt-get install openmpi-bin, then {start}");
        if (!Mpi.Initialized()) Mpi.InitThread(Mpi.ThreadSerialized);
        Mpi.ErrorsAreReturned(Mpi.CommWorld);
        Current = new MpiWorld(Mpi.CommRank(Mpi.CommWorld), Mpi.CommSize(Mpi.CommWorld));
        return Current;
    }

    /// <inheritdoc/>
    public void Broadcast(Span<byte> data, int root = 0)
    {
        fixed (byte* p = data)
            for (int at = 0; at < data.Length; at += MaxCount)
                Mpi.Bcast(p + at, Math.Min(MaxCount, data.Length - at), Mpi.Byte, root, Mpi.CommWorld);
    }

    /// <inheritdoc/>
    public void AllReduceSum(Span<float> data)
    {
        fixed (float* p = data)
            for (int at = 0; at < data.Length; at += MaxCount)
                Mpi.AllreduceInPlace(p + at, Math.Min(MaxCount, data.Length - at), Mpi.Float, Mpi.OpSum, Mpi.CommWorld);
    }

    /// <inheritdoc/>
    public void AllReduceSum(Span<double> data)
    {
        fixed (double* p = data)
            for (int at = 0; at < data.Length; at += MaxCount)
                Mpi.AllreduceInPlace(p + at, Math.Min(MaxCount, data.Length - at), Mpi.Double, Mpi.OpSum, Mpi.CommWorld);
    }

    /// <inheritdoc/>
    public float[] NewBuffer(int count) => HugePages.NewFloats(count);

    /// <summary>Waits until every rank has called it (MPI_Barrier).</summary>
    public void Barrier() => Mpi.Barrier(Mpi.CommWorld);

    /// <summary>Ends every process of the job with <paramref name="code"/> (MPI_Abort); does not return.</summary>
    public void Abort(int code)
    {
        Mpi.Abort(Mpi.CommWorld, code);
        Environment.Exit(code); // MPI_Abort returned (it should not): leave anyway, mpirun ends the others
    }

    /// <summary>
    /// Ends set-up: every rank checks that no rank failed in set-up, then that every rank's
    /// <paramref name="fingerprint"/> (see <see cref="RunFingerprint"/>) equals rank 0's.
    /// </summary>
    /// <exception cref="DataParallelException">On every rank alike: a rank failed in set-up (its message), or ranks were started with other arguments or data.</exception>
    public void Ready(ReadOnlySpan<byte> fingerprint)
    {
        _ready = true; // from here on a failure is not agreed again (Settle)
        Agree(null);
        var root = fingerprint.ToArray();
        Broadcast(root);
        var differs = new double[Size];
        differs[Rank] = fingerprint.SequenceEqual(root) ? 0 : 1;
        AllReduceSum(differs);
        var bad = Ranks(differs);
        if (bad.Length > 0)
            throw new DataParallelException($"{RankList(bad)} {(bad.Length == 1 ? "was" : "were")} started with other arguments or other data files than rank 0 (the SHA-256 of the command line and the data differs); start every rank with the same command and the same files");
    }

    /// <summary>
    /// What to do with an exception that ended this rank's work: during set-up the ranks first agree (the
    /// failing rank's message reaches every rank). Returns the one line to print and whether every rank got the
    /// same failure; if so, only rank 0 should print it and each rank may end by itself (dispose, exit non-zero);
    /// otherwise this rank should print it and <see cref="Abort"/> the job.
    /// </summary>
    public (string Line, bool EveryRank) Settle(Exception e)
    {
        if (!_ready && !_disposed)
        {
            _ready = true;
            try { Agree(e); }
            catch (DataParallelException agreed) { e = agreed; }
        }
        return e is DataParallelException or TrainingDivergedException ? (e.Message, true) : ($"rank {Rank}: {e.Message}", false);
    }

    // Every rank says whether it failed; when any did, the first failing rank's message goes to all, and all throw it.
    private void Agree(Exception? error)
    {
        var failed = new double[Size];
        failed[Rank] = error is null ? 0 : 1;
        AllReduceSum(failed);
        var bad = Ranks(failed);
        if (bad.Length == 0) return;
        var text = Encoding.UTF8.GetBytes(error?.Message ?? "");
        Span<int> length = [text.Length];
        Broadcast(MemoryMarshal.AsBytes(length), bad[0]);
        if (Rank != bad[0]) text = new byte[length[0]];
        Broadcast(text, bad[0]);
        string message = Encoding.UTF8.GetString(text);
        throw new DataParallelException(bad.Length == Size ? message : $"{RankList(bad)}: {message}");
    }

    private static int[] Ranks(double[] flags) => [.. Enumerable.Range(0, flags.Length).Where(r => flags[r] != 0)];

    private static string RankList(int[] ranks) => (ranks.Length == 1 ? "rank " : "ranks ") + string.Join(", ", ranks);

    /// <summary>MPI_Finalize (once).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Current = null;
        if (!Mpi.Finalized()) Mpi.FinalizeMpi();
    }
}
