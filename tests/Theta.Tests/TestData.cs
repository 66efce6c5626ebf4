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

    /// <summary>A CS109 problem-set pair read as the problem set does (Demographic dropped where present); test uses train's classes and features.</summary>
    public static (Theta.Data.Dataset Train, Theta.Data.Dataset Test) LoadCs109(string name)
    {
        var opts = new Theta.Data.CsvOptions(Drop: name is "heart" or "netflix" ? ["Demographic"] : null);
        var train = Theta.Data.CsvReader.Read(Cs109($"{name}-train.csv"), opts);
        var test = Theta.Data.CsvReader.Read(Cs109($"{name}-test.csv"), opts, train.Classes, train.FeatureNames);
        return (train, test);
    }
}
