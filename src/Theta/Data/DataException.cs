namespace Theta.Data;

/// <summary>
/// Bad input data. The message starts with <c>file:line:column:</c> (as far as they are known)
/// and says what was expected, on one line with control characters escaped, e.g. <c>heart.csv:12:5: "x" is not a number; expected a numeric feature (column "B.1")</c>.
/// </summary>
public sealed class DataException : Exception
{
    public DataException(string file, int? line, int? column, string message)
        : base(Io.SafeText.OneLine($"{Location(file, line, column)}: {message}"))
    {
        File = file; Line = line; Column = column;
    }

    /// <summary>The file (as given by the user).</summary>
    public string File { get; }
    /// <summary>1-based line number, when the error is on one line.</summary>
    public int? Line { get; }
    /// <summary>1-based column (field) number, when the error is in one field.</summary>
    public int? Column { get; }

    private static string Location(string file, int? line, int? column) =>
        file + (line is int l ? $":{l}" + (column is int c ? $":{c}" : "") : "");
}
