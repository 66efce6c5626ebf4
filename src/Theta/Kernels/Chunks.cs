namespace Theta.Kernels;

/// <summary>
/// Runs body(i) for i in [0, count), split into contiguous chunks over <see cref="ThetaRuntime.Threads"/>
/// threads when the work (elements touched, about workPerItem·count) is worth a fork. Items must
/// write disjoint outputs; each item is computed by one thread in the same order, so results do not
/// depend on the thread count.
/// </summary>
internal static class Chunks
{
    /// <summary>Below this many elements touched, one thread is faster than waking a pool thread.</summary>
    public const long ParallelThreshold = 1 << 16;

    public static void For(int count, long workPerItem, Action<int> body)
        => ForRange(count, workPerItem, (from, to) => { for (int i = from; i < to; i++) body(i); }, body);

    /// <summary>
    /// As <see cref="For"/>, handing each thread its whole contiguous range [from, to) at once, so it can
    /// set up per-thread scratch once. The ranges depend on the thread count; callers keep results
    /// independent of it by computing each item the same way whichever range holds it.
    /// </summary>
    public static void ForRange(int count, long workPerItem, Action<int, int> body) => ForRange(count, workPerItem, body, body);

    /// <summary>
    /// As above; the code of <paramref name="site"/> (the caller's lambda) names the call site for
    /// <see cref="ParallelChoice"/>, which runs each call site and size on one thread or on all by measurement.
    /// </summary>
    private static void ForRange(int count, long workPerItem, Action<int, int> body, Delegate site)
    {
        int t = Math.Min(ThetaRuntime.Threads, count);
        if (t <= 1 || workPerItem * count < ParallelThreshold)
        {
            if (count > 0) body(0, count);
            return;
        }
        var ticket = ParallelChoice.Start(site.Method.MethodHandle.Value, count, workPerItem, t, t);
        int chosen = ticket.Threads;
        if (chosen <= 1) body(0, count);
        else Workers.Run(chosen, w => body((int)((long)w * count / chosen), (int)((long)(w + 1) * count / chosen)));
        ticket.Done();
    }

    /// <summary>Elements per block of <see cref="ForBlocks"/>: 256 KB of floats, large enough to pay for a fork.</summary>
    public const int Block = 1 << 16;

    /// <summary>body(start, length) over [0, n) in blocks of <see cref="Block"/> elements, blocks in parallel.</summary>
    public static void ForBlocks(int n, Action<int, int> body)
    {
        int blocks = (n + Block - 1) / Block;
        if (blocks <= 1) { if (n > 0) body(0, n); return; }
        For(blocks, Block, b => body(b * Block, Math.Min(Block, n - b * Block)));
    }
}
