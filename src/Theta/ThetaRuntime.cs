namespace Theta;

/// <summary>Process-wide settings of the engine.</summary>
public static class ThetaRuntime
{
    private static int _threads = Environment.ProcessorCount;

    /// <summary>
    /// How many threads a kernel may use (default: the number of cores). Results do not depend
    /// on it: every output element is computed by one thread in the same order.
    /// </summary>
    public static int Threads
    {
        get => _threads;
        set => _threads = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Threads must be at least 1.");
    }
}
