using System.Globalization;

namespace Theta.Cli.Bench;

/// <summary>The benchmarks' comma-separated options ("1,2"), each entry checked with one clear error; shared with bench/Theta.Peers.</summary>
internal static class BenchArgs
{
    /// <summary>"1,2" → [1, 2]; every entry an integer ≥ <paramref name="min"/>.</summary>
    public static int[] Ints(string text, string option, int min) =>
        Split(text, option).Select(s =>
            int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= min
                ? v
                : throw new ArgumentException($"{option}: '{s}' is not an integer ≥ {min} (expected e.g. 1,2).")).ToArray();

    /// <summary>The trimmed entries of a comma-separated list, none empty.</summary>
    public static string[] Split(string text, string option)
    {
        string[] items = text.Split(',', StringSplitOptions.TrimEntries);
        if (items.Length == 0 || items.Any(s => s.Length == 0))
            throw new ArgumentException($"{option}: empty entry in '{text}'.");
        return items;
    }

    /// <summary>A count option (--reps, --passes) that must be at least 1.</summary>
    public static int AtLeastOne(int value, string option) =>
        value >= 1 ? value : throw new ArgumentException($"{option} must be at least 1, got {value}.");

    public static string Int(int x) => x.ToString(CultureInfo.InvariantCulture);

    public static string Num(double x) => x.ToString("F1", CultureInfo.InvariantCulture);

    /// <summary>Redirected output defaults to 80 columns; a benchmark table needs more.</summary>
    public static void Widen(int columns)
    {
        if (!Spectre.Console.AnsiConsole.Profile.Capabilities.Interactive)
            Spectre.Console.AnsiConsole.Profile.Width = Math.Max(Spectre.Console.AnsiConsole.Profile.Width, columns);
    }
}
