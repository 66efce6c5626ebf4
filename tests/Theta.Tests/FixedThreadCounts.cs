using System.Runtime.CompilerServices;
using Theta.Kernels;

namespace Theta.Tests;

/// <summary>
/// The tests ask for thread counts and must get them: a test that compares 1, 2 and 3 threads checks the split only
/// if the split happens. So <see cref="ParallelChoice"/> (which may run a fork on one thread when that is faster) is
/// off for the whole test assembly; its own tests drive instances directly.
/// </summary>
internal static class FixedThreadCounts
{
    [ModuleInitializer]
    internal static void Init() => ParallelChoice.Enabled = false;
}
