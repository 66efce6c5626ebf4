
namespace Theta.Distributed.Tests;

/// <summary>The shared data, found as the CLI tests find it (Cli.cs, linked): $THETA_DATA or ../shared/data; tests fail, not skip, without it.</summary>
internal static class Data
{
    public static string Cs109(string file) => Theta.Cli.Tests.Cli.Cs109(file);

    /// <summary>The MNIST folder beside cs109/.</summary>
    public static string Mnist
    {
        get
        {
            var path = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Theta.Cli.Tests.Cli.Cs109("heart-train.csv")))!, "mnist");
            return Directory.Exists(path) ? path : throw new DirectoryNotFoundException($"test data not found: {path}; set THETA_DATA");
        }
    }
}
