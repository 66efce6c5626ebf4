using System.Collections.Concurrent;
using System.Diagnostics;

namespace Theta.Kernels;

/// <summary>
/// One thread or t, chosen by measurement, per call site and size: a kernel about to fork asks <see cref="Threads"/>,
/// times the call, and hands the time to <see cref="Record"/>. Each choice is timed twice (the first call of each is
/// cold: JIT, pool threads starting), then the faster by a moving average runs, and every
/// <see cref="ExploreEvery"/>th call runs the other (every <see cref="ExploreRarely"/>th while it is 1.5× slower or worse),
/// so a change in the machine (a neighbour taking a vCPU, or leaving) moves the choice within a few hundred calls.
/// NOTE: why. On a VM whose vCPUs are shared, a worker that claims half a GEMM and is then descheduled holds the join
/// until it runs again; waking a worker, splitting a product of 64 rows and packing B twice cost the rest. The MLP's
/// step (a few forks of ~100 µs) ran slower on 2 threads than on 1 in some rounds. Every kernel that forks computes each
/// output the same way whatever the thread count, so the choice changes only the speed, never the bits.
/// </summary>
internal sealed class ParallelChoice
{
    /// <summary>Every this many calls the choice not in favour runs once, to notice when it has become the faster.</summary>
    public const int ExploreEvery = 32;

    /// <summary>As <see cref="ExploreEvery"/> while the choice not in favour is at least 1.5× slower (trying it costs more).</summary>
    public const int ExploreRarely = 256;

    /// <summary>Off: every call forks as asked (tests and A/B measurements).</summary>
    public static bool Enabled { get; set; } = Environment.GetEnvironmentVariable("THETA_ADAPTIVE_THREADS") != "0";

    private static readonly ConcurrentDictionary<(nint Site, long A, long B, long C), ParallelChoice> Sites = new();

    private double _one, _many;      // moving averages of Stopwatch ticks per call
    private int _oneN, _manyN, _calls;

    /// <summary>The choice for one call site (any stable number: a method handle, a constant) and size (a, b, c).</summary>
    public static ParallelChoice For(nint site, long a, long b, long c) => Sites.GetOrAdd((site, a, b, c), _ => new ParallelChoice());

    /// <summary>1 or <paramref name="t"/> (t when t ≤ 1).</summary>
    public int Threads(int t)
    {
        if (t <= 1) return t;
        if (_oneN < 2) return 1;
        if (_manyN < 2) return t;
        bool many = _many < _one;
        double ratio = many ? _one / _many : _many / _one;
        bool explore = ++_calls % (ratio >= 1.5 ? ExploreRarely : ExploreEvery) == 0;
        return many != explore ? t : 1;
    }

    /// <summary>Records one call's time: <paramref name="threads"/> as returned by <see cref="Threads"/>, ticks from <see cref="Stopwatch.GetTimestamp"/>.</summary>
    public void Record(int threads, long ticks)
    {
        if (threads == 1) Update(ref _one, ref _oneN, ticks);
        else Update(ref _many, ref _manyN, ticks);
    }

    /// <summary>The first sample is dropped (cold), the second starts the average, later ones move it by a quarter.</summary>
    private static void Update(ref double average, ref int n, long ticks)
    {
        average = n <= 1 ? ticks : 0.75 * average + 0.25 * ticks;
        n++;
    }

    /// <summary>
    /// The thread count for one call (1 or t; t when disabled or t ≤ 1) and the clock started: run the call with
    /// <see cref="Ticket.Threads"/>, then <see cref="Ticket.Done"/>. A struct, so a fork allocates nothing more.
    /// </summary>
    public static Ticket Start(nint site, long a, long b, long c, int t)
    {
        if (t <= 1 || !Enabled) return new Ticket(null, t, 0);
        ParallelChoice choice = For(site, a, b, c);
        return new Ticket(choice, choice.Threads(t), Stopwatch.GetTimestamp());
    }

    /// <summary>One call's choice and start time.</summary>
    public readonly struct Ticket(ParallelChoice? choice, int threads, long start)
    {
        public int Threads => threads;

        /// <summary>Records the call's time (nothing when the choice was off).</summary>
        public void Done() => choice?.Record(threads, Stopwatch.GetTimestamp() - start);
    }
}
