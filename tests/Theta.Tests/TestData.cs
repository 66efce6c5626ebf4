namespace Theta.Tests;

/// <summary>Finds the shared data: $THETA_DATA, or ../shared/data beside the repository root.</summary>
public static class TestData
{
    public static string Root
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("THETA_DATA");
            if (!string.IsNullOrEmpty(env)) return Check(env);
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Theta.slnx"))) dir = dir.Parent;
            if (dir?.Parent is null) throw new InvalidOperationException("cannot find the repository root (Theta.slnx) above " + AppContext.BaseDirectory);
            return Check(Path.Combine(dir.Parent.FullName, "shared", "data"));
        }
    }

    // Data-dependent tests fail (not skip) when the data is missing: CI always has it.
    private static string Check(string path) =>
        Directory.Exists(path) ? path : throw new InvalidOperationException($"test data not found at {path}; set THETA_DATA");

    public static string Cs109(string file) => Path.Combine(Root, "cs109", file);
}
