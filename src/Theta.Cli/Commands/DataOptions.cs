namespace Theta.Cli.Commands;

/// <summary>The options every data-reading verb shares: how to read a CSV of examples.</summary>
internal sealed class DataOptions
{
    public readonly Option<string?> Label = new("--label") { Description = "The label column, by name or 1-based index. Default: the last column." };
    public readonly Option<string[]> Drop = new("--drop") { Description = "Columns to ignore, by name or index (repeat or separate with commas), e.g. --drop Demographic.", AllowMultipleArgumentsPerToken = true };
    public readonly Option<string?> Group = new("--group") { Description = "A group column kept out of the features (for fairness reports), e.g. --group Demographic." };
    public readonly Option<bool> NoHeader = new("--no-header") { Description = "The first line is data, not column names." };
    public readonly Option<string?> Separator = new("--separator") { Description = "',' ';' or 'tab'. Default: detected from the first line." };

    private static readonly CsvLimits Defaults = CsvLimits.Default;
    public readonly Option<int> MaxLine = new("--max-line-chars") { Description = $"Refuse a CSV line longer than this many characters (default {Defaults.MaxLineChars:N0}).", DefaultValueFactory = _ => Defaults.MaxLineChars };
    public readonly Option<int> MaxHeader = new("--max-header-chars") { Description = $"Refuse a CSV header longer than this many characters (default {Defaults.MaxHeaderChars:N0}).", DefaultValueFactory = _ => Defaults.MaxHeaderChars };
    public readonly Option<int> MaxCell = new("--max-cell-chars") { Description = $"Refuse a CSV cell longer than this many characters (default {Defaults.MaxCellChars:N0}).", DefaultValueFactory = _ => Defaults.MaxCellChars };
    public readonly Option<int> MaxColumns = new("--max-columns") { Description = $"Refuse a CSV file with more columns (default {Defaults.MaxColumns:N0}).", DefaultValueFactory = _ => Defaults.MaxColumns };
    public readonly Option<int> MaxMegabytes = new("--max-csv-mb") { Description = $"Refuse a CSV file (or pipe) of more text than this many MiB (default {Defaults.MaxFileMegabytes:N0}).", DefaultValueFactory = _ => Defaults.MaxFileMegabytes };

    public void AddTo(Command c)
    {
        c.Add(Label); c.Add(Drop); c.Add(Group); c.Add(NoHeader); c.Add(Separator);
        c.Add(MaxLine); c.Add(MaxHeader); c.Add(MaxCell); c.Add(MaxColumns); c.Add(MaxMegabytes);
    }

    /// <summary>The CSV limits given (the defaults where not).</summary>
    public CsvLimits Limits(ParseResult p) => new(p.GetValue(MaxLine), p.GetValue(MaxHeader), p.GetValue(MaxCell), p.GetValue(MaxColumns), p.GetValue(MaxMegabytes));

    public CsvOptions Read(ParseResult p)
    {
        var drop = (p.GetValue(Drop) ?? []).SelectMany(d => d.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToArray();
        char? sep = p.GetValue(Separator) switch
        {
            null => null,
            "," => ',',
            ";" => ';',
            "tab" or "\\t" or "\t" => '\t',
            var s => throw new ArgumentException($"--separator: '{s}' is not one of ',' ';' 'tab'"),
        };
        return new CsvOptions(!p.GetValue(NoHeader), p.GetValue(Label), drop.Length == 0 ? null : drop, p.GetValue(Group), sep, Limits(p));
    }

    /// <summary>True when the user gave any data option (so a model's stored options should be overridden).</summary>
    public bool AnyGiven(ParseResult p) =>
        new Option[] { Label, Drop, Group, NoHeader, Separator }.Any(o => p.GetResult(o) is { Implicit: false });
}
