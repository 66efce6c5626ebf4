using System.CommandLine;

namespace Theta.Peers;

/// <summary>
/// Theta against native peers it must not ship with (OpenBLAS, loaded at run time): the comparisons that
/// cannot live in <c>theta</c>. Errors become one line on stderr and exit code 1, as in <c>theta</c>.
/// <code>
///   dotnet run -c Release --project bench/Theta.Peers -- gemm [--sizes 128,64x784x128] [--threads 1,2] [--reps 7] [--json]
/// </code>
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var root = new RootCommand("Theta against its native peers (OpenBLAS).") { GemmCommand.Create() };
        try
        {
            return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"Theta.Peers: error: {e.Message.Split('\n')[0]}");
            return 1;
        }
    }
}
