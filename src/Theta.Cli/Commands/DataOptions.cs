using System.CommandLine;
using Theta.Data;

namespace Theta.Cli.Commands;

/// <summary>The options every data-reading verb shares: how to read a CSV of examples.</summary>
internal sealed class DataOptions
{
    public readonly Option<string?> Label = new("--label") { Description = "The label column, by name or 1-based index. Default: the last column." };
    public readonly Option<string[]> Drop = new("--drop") { Description = "Columns to ignore, by name or index (repeat or separate with commas), e.g. --drop Demographic.", AllowMultipleArgumentsPerToken = true };
    public readonly Option<string?> Group = new("--group") { Description = "A group column kept out of the features (for fairness reports), e.g. --group Demographic." };
    public readonly Option<bool> NoHeader = new("--no-header") { Description = "The first line is data, not column names." };
    public readonly Option<string?> Separator = new("--separator") { Description = "',' ';' or 'tab'. Default: detected from the first line." };

    public void AddTo(Command c)
    {
        c.Add(Label); c.Add(Drop); c.Add(Group); c.Add(NoHeader); c.Add(Separator);
    }

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
        return new CsvOptions(!p.GetValue(NoHeader), p.GetValue(Label), drop.Length == 0 ? null : drop, p.GetValue(Group), sep);
    }

    /// <summary>True when the user gave any data option (so a model's stored options should be overridden).</summary>
    public bool AnyGiven(ParseResult p) =>
        new Option[] { Label, Drop, Group, NoHeader, Separator }.Any(o => p.GetResult(o) is { Implicit: false });
}
