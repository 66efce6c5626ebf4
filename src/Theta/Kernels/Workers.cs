using System.Diagnostics;

namespace Theta.Kernels;

/// <summary>
/// The kernels' fork/join: <see cref="Run"/> runs body(0 .. t−1) on the calling thread and on dedicated
/// worker threads that spin for a while after each job before they sleep. Parts are claimed one at a
/// time from a shared counter, the caller claiming too, so a worker that the OS has not scheduled yet
/// never holds the caller up: the caller simply runs that part itself.
/// NOTE: a training step of the MNIST MLP forks about five times in 150 µs (every GEMM). Parallel.For
/// hands each fork to the thread pool, whose worker has often gone to sleep in between: waking it
/// cost more than the half a GEMM it took over, and 2 threads ran no faster than 1. Workers that stay
/// awake (spinning up to <see cref="SpinMicroseconds"/> µs, then blocking) answer within a microsecond
/// while a step is running and cost nothing once training stops.
/// Only one caller uses the workers at a time; a second caller meanwhile, or a body that itself forks,
/// runs its parts on its own thread one after another (results never depend on the thread count).
/// </summary>
internal static class Workers
{
    /// <summary>How long an idle worker spins before it blocks (µs), at most; see <see cref="Worker"/>.</summary>
    public const int SpinMicroseconds = 2000;

    /// <summary>How long it spins when jobs have been arriving further apart than <see cref="SpinMicroseconds"/> (µs).</summary>
    public const int ShortSpinMicroseconds = 50;

    private static readonly object Gate = new();
    private static Worker[] _pool = [];
    [ThreadStatic] private static bool t_inside;

    /// <summary>body(i) for i in [0, t): in parallel when the workers are free, else in order on this thread.</summary>
    public static void Run(int t, Action<int> body)
    {
        if (t <= 1 || t_inside || !Monitor.TryEnter(Gate))
        {
            for (int i = 0; i < t; i++) body(i);
            return;
        }
        try
        {
            if (_pool.Length < t - 1) Grow(t - 1);
            var job = new Job(body, t);
            for (int w = 0; w < t - 1; w++) _pool[w].Start(job);
            t_inside = true;
            try { job.RunParts(); }
            finally { t_inside = false; }
            job.Wait();
            if (job.Error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(job.Error);
        }
        finally { Monitor.Exit(Gate); }
    }

    private static void Grow(int n)
    {
        var pool = new Worker[n];
        Array.Copy(_pool, pool, _pool.Length);
        for (int i = _pool.Length; i < n; i++) pool[i] = new Worker(i);
        _pool = pool;
    }

    /// <summary>One fork: the body, the next part to claim, the parts not finished, the first failure.</summary>
    private sealed class Job(Action<int> body, int parts)
    {
        private readonly int _parts = parts;
        private int _next = -1, _pending = parts;
        public Exception? Error { get; private set; }

        /// <summary>Claims and runs parts until none is left (on the caller and on each worker).</summary>
        public void RunParts()
        {
            int i;
            while ((i = Interlocked.Increment(ref _next)) < _parts)
            {
                try { body(i); }
                catch (Exception e) { lock (this) Error ??= e; }
                finally { Interlocked.Decrement(ref _pending); }
            }
        }

        public void Wait()
        {
            var spin = new SpinWait();
            while (Volatile.Read(ref _pending) > 0) spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>
    /// A background thread that runs one part of each job it is given. Between jobs it spins up to four times the
    /// moving average of the gaps between its jobs (at most <see cref="SpinMicroseconds"/>), then blocks; when jobs come
    /// further apart than that it spins only <see cref="ShortSpinMicroseconds"/>. NOTE: a worker woken now and then (a
    /// <see cref="ParallelChoice"/> trying two threads once in 32 calls) spun 2 ms each time, on a 2-vCPU VM taking
    /// a core from the thread doing the work.
    /// </summary>
    private sealed class Worker
    {
        private readonly ManualResetEventSlim _wake = new(false, spinCount: 1);
        private Job? _job;
        private int _sleeping;   // NOTE: written and read with full fences (Interlocked) on both sides, so a
                                 // worker going to sleep and a job arriving can never miss each other.

        public Worker(int index)
        {
            new Thread(Loop) { IsBackground = true, Name = $"theta-worker-{index + 1}" }.Start();
        }

        public void Start(Job job)
        {
            Interlocked.Exchange(ref _job, job);
            if (Volatile.Read(ref _sleeping) != 0) _wake.Set();
        }

        private void Loop()
        {
            t_inside = true;   // a body that forks again runs its parts here, in order
            long maxSpin = Stopwatch.Frequency * SpinMicroseconds / 1_000_000;
            long shortSpin = Stopwatch.Frequency * ShortSpinMicroseconds / 1_000_000;
            double gap = 0;   // moving average of the ticks from the end of one job to the arrival of the next
            while (true)
            {
                Job? job;
                long idleSince = Stopwatch.GetTimestamp();
                long spinTicks = gap < maxSpin ? Math.Min(maxSpin, Math.Max(shortSpin, (long)(4 * gap))) : shortSpin;
                while ((job = Volatile.Read(ref _job)) is null)
                {
                    if (Stopwatch.GetTimestamp() - idleSince < spinTicks) { Thread.SpinWait(20); continue; }
                    Interlocked.Exchange(ref _sleeping, 1);
                    if (Volatile.Read(ref _job) is null) _wake.Wait();
                    _wake.Reset();
                    Interlocked.Exchange(ref _sleeping, 0);
                    idleSince = Stopwatch.GetTimestamp();
                }
                gap = 0.75 * gap + 0.25 * (Stopwatch.GetTimestamp() - idleSince);
                Volatile.Write(ref _job, null);
                job.RunParts();
            }
        }
    }
}
