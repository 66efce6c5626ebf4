using System.Globalization;
using Theta.Io;

namespace Theta.Data;

/// <summary>How to read a CSV file of examples. Defaults: a header row, the label in the last column, the separator detected.</summary>
/// <param name="HasHeader">The first line names the columns (otherwise columns are named col1, col2, …).</param>
/// <param name="Label">The label column, by name or by 1-based index; null = the last column.</param>
/// <param name="Drop">Columns to ignore, by name or 1-based index.</param>
/// <param name="Group">A column kept out of the features and returned as the group attribute (fairness).</param>
/// <param name="Separator">',' ';' or '\t'; null = detect from the first line.</param>
/// <param name="Limits">How much a file may hold (<see cref="CsvLimits"/>); null = the defaults. Not stored in model files.</param>
public sealed record CsvOptions(
    bool HasHeader = true,
    string? Label = null,
    IReadOnlyList<string>? Drop = null,
    string? Group = null,
    char? Separator = null,
    CsvLimits? Limits = null);

/// <summary>
/// Bounds on what a CSV file may hold, each checked as the file is read (never after reading it all),
/// so an endless or binary file (<c>/dev/zero</c>) is refused at once naming file:line. The defaults are
/// far above the course's data: CS109's largest file (netflix-train.csv) is 190 KB; MNIST as CSV would have 785 columns, lines of ~2,000 characters and 110 MB.
/// </summary>
/// <param name="MaxLineChars">The longest data line (characters).</param>
/// <param name="MaxHeaderChars">The longest header line (characters).</param>
/// <param name="MaxCellChars">The longest cell (a number, a label, a group or a column name).</param>
/// <param name="MaxColumns">The most columns.</param>
/// <param name="MaxFileMegabytes">The most text in all (MiB of characters), bounding a pipe that never ends.</param>
public sealed record CsvLimits(int MaxLineChars = 1 << 20, int MaxHeaderChars = 1 << 20, int MaxCellChars = 4096, int MaxColumns = 65_536, int MaxFileMegabytes = 256)
{
    /// <summary>The defaults.</summary>
    public static CsvLimits Default { get; } = new();

    public int MaxLineChars { get; init => field = AtLeast(value, 16, "--max-line-chars"); } = AtLeast(MaxLineChars, 16, "--max-line-chars");
    public int MaxHeaderChars { get; init => field = AtLeast(value, 16, "--max-header-chars"); } = AtLeast(MaxHeaderChars, 16, "--max-header-chars");
    public int MaxCellChars { get; init => field = AtLeast(value, 1, "--max-cell-chars"); } = AtLeast(MaxCellChars, 1, "--max-cell-chars");
    public int MaxColumns { get; init => field = AtLeast(value, 2, "--max-columns"); } = AtLeast(MaxColumns, 2, "--max-columns");
    public int MaxFileMegabytes { get; init => field = AtLeast(value, 1, "--max-csv-mb"); } = AtLeast(MaxFileMegabytes, 1, "--max-csv-mb");

    private static int AtLeast(int value, int min, string option) =>
        value >= min ? value : throw new ArgumentOutOfRangeException(option, value, $"{option} must be at least {min}, got {value}");
}

/// <summary>
/// Reads a CSV of numeric features and a label column into a <see cref="Dataset"/>. LF and CRLF
/// line ends; comma, semicolon or tab separators; numbers in invariant culture; labels either
/// integers 0..k−1 or class names (mapped to indices in sorted order, or to a given list).
/// Every problem is a <see cref="DataException"/> naming file:line:column and what was expected.
/// </summary>
public static class CsvReader
{
    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <param name="classes">The class names a model was trained with: labels must be among them (in this order).</param>
    /// <param name="features">The feature names a model was trained with: the file must have exactly these, in this order.</param>
    public static Dataset Read(string path, CsvOptions? options = null, IReadOnlyList<string>? classes = null,
        IReadOnlyList<string>? features = null)
    {
        if (Directory.Exists(path)) throw new DataException(path, null, null, "is a folder; expected a CSV file");
        if (!File.Exists(path)) throw new DataException(path, null, null, "no such file");
        try
        {
            using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
            return Parse(reader, path, options ?? new CsvOptions(), classes, features);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new DataException(path, null, null, $"cannot be read: {e.Message}"); }
    }

    /// <summary>Parses CSV text; <paramref name="name"/> is used in messages.</summary>
    public static Dataset Parse(string text, string name, CsvOptions options, IReadOnlyList<string>? classes = null,
        IReadOnlyList<string>? features = null)
    {
        using var reader = new StringReader(text);
        return Parse(reader, name, options, classes, features);
    }

    /// <summary>Parses CSV from <paramref name="text"/>, line by line within <see cref="CsvOptions.Limits"/>; <paramref name="name"/> is used in messages.</summary>
    public static Dataset Parse(TextReader text, string name, CsvOptions options, IReadOnlyList<string>? classes = null,
        IReadOnlyList<string>? features = null)
    {
        var limits = options.Limits ?? CsvLimits.Default;
        using var lines = new CsvLines(text, name, limits).GetEnumerator();
        if (!lines.MoveNext()) throw new DataException(name, null, null, "the file is empty; expected " + (options.HasHeader ? "a header row and " : "") + "rows of numbers");
        var (firstNo, firstLine) = lines.Current;
        if (firstLine.Length > (options.HasHeader ? limits.MaxHeaderChars : limits.MaxLineChars))
            throw new DataException(name, firstNo, null, $"the {(options.HasHeader ? "header" : "first line")} has {firstLine.Length:N0} characters; at most {(options.HasHeader ? limits.MaxHeaderChars : limits.MaxLineChars):N0} are read ({(options.HasHeader ? "--max-header-chars" : "--max-line-chars")})");
        char sep = options.Separator ?? DetectSeparator(firstLine);
        var firstCells = Cells(firstLine, sep, name, firstNo, limits);

        string[] header = options.HasHeader
            ? firstCells.Select(h => h.Trim().Trim('"')).ToArray()
            : Enumerable.Range(1, firstCells.Length).Select(i => $"col{i}").ToArray();
        if (header.Length < 2) throw new DataException(name, firstNo, null, $"found {header.Length} column (separator '{Show(sep)}'); expected at least one feature and a label");

        int labelCol = options.Label is null ? header.Length - 1 : ColumnIndex(options.Label, header, name, "label");
        int groupCol = options.Group is null ? -1 : ColumnIndex(options.Group, header, name, "group");
        if (groupCol == labelCol) throw new DataException(name, null, null, $"the group column \"{SafeText.Quote(header[groupCol])}\" is also the label column");
        var dropped = new HashSet<int>((options.Drop ?? []).Select(d => ColumnIndex(d, header, name, "dropped")));
        if (dropped.Contains(labelCol)) throw new DataException(name, null, null, $"the label column \"{SafeText.Quote(header[labelCol])}\" cannot be dropped");
        var featureCols = Enumerable.Range(0, header.Length).Where(c => c != labelCol && c != groupCol && !dropped.Contains(c)).ToArray();
        if (featureCols.Length == 0) throw new DataException(name, null, null, "no feature columns are left after the label, group and dropped columns");
        var featureNames = featureCols.Select(c => header[c]).ToArray();
        if (features is not null && !features.SequenceEqual(featureNames))
            throw new DataException(name, options.HasHeader ? firstNo : null, null, ColumnMismatch(features, featureNames));

        int d = featureCols.Length;
        var x = new List<float>();
        var rawLabels = new List<int>();   // indices into labelNames: a million rows of "yes" hold one "yes"
        var labelNames = new List<string>();
        var lineNumbers = new List<int>();
        var groups = groupCol < 0 ? null : new List<string>();
        var labelIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        bool pending = !options.HasHeader;   // without a header, the first line is data
        while (pending || lines.MoveNext())
        {
            var (lineNo, line) = pending ? (firstNo, firstLine) : lines.Current;
            var cells = pending ? firstCells : Cells(line, sep, name, lineNo, limits);
            pending = false;
            if (cells.Length != header.Length)
                throw new DataException(name, lineNo, null, $"found {cells.Length} fields; expected {header.Length} like the {(options.HasHeader ? "header" : "first line")} (separator '{Show(sep)}')");
            for (int j = 0; j < d; j++)
            {
                int c = featureCols[j];
                var cell = cells[c].Trim().Trim('"');
                if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v))
                    throw new DataException(name, lineNo, c + 1, $"\"{SafeText.Quote(cell)}\" is not a finite number; expected a numeric value for feature \"{SafeText.Quote(header[c])}\"");
                x.Add(v);
            }
            var label = cells[labelCol].Trim().Trim('"');
            if (label.Length == 0) throw new DataException(name, lineNo, labelCol + 1, $"the label (column \"{SafeText.Quote(header[labelCol])}\") is empty");
            if (!labelIndex.TryGetValue(label, out int li)) { labelIndex[label] = li = labelNames.Count; labelNames.Add(label); }
            rawLabels.Add(li);
            lineNumbers.Add(lineNo);
            groups?.Add(cells[groupCol].Trim().Trim('"'));
        }
        int rows = rawLabels.Count;
        if (rows == 0) throw new DataException(name, firstNo, null, "there is a header but no data rows");

        var classList = classes?.ToArray() ?? InferClasses([.. labelNames]);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int k = 0; k < classList.Length; k++) index[classList[k]] = k;
        var classOf = new int[labelNames.Count];   // each distinct label's class, looked up once
        for (int k = 0; k < labelNames.Count; k++)
        {
            if (!index.TryGetValue(labelNames[k], out classOf[k]) && !TryNumericAlias(labelNames[k], index, out classOf[k]))
                throw new DataException(name, lineNumbers[rawLabels.IndexOf(k)], labelCol + 1,
                    $"label \"{SafeText.Quote(labelNames[k])}\" is not one of the expected classes {{{List(classList)}}}");
        }
        var labels = new int[rows];
        for (int r = 0; r < rows; r++) labels[r] = classOf[rawLabels[r]];
        var origin = new DataOrigin([.. lineNumbers], featureCols.Select(c => c + 1).ToArray());
        return new Dataset(Tensor.FromArray([.. x], rows, d), labels, classList, featureNames, groups?.ToArray(), name, origin);
    }

    // A line's cells, within the column and cell limits.
    private static string[] Cells(string line, char sep, string name, int lineNo, CsvLimits limits)
    {
        int n = 1;
        foreach (char ch in line) if (ch == sep && ++n > limits.MaxColumns)
                throw new DataException(name, lineNo, null, $"more than {limits.MaxColumns:N0} columns (--max-columns)");
        var cells = line.Split(sep);
        for (int c = 0; c < cells.Length; c++)
            if (cells[c].Length > limits.MaxCellChars)
                throw new DataException(name, lineNo, c + 1, $"a cell of {cells[c].Length:N0} characters (\"{SafeText.Quote(cells[c])}\"); at most {limits.MaxCellChars:N0} are read (--max-cell-chars)");
        return cells;
    }

    // At most 20 names, quoted: an error line never lists a million columns.
    private static string List(IReadOnlyList<string> names, int max = 20) =>
        string.Join(", ", names.Take(max).Select(n => SafeText.Quote(n, 40))) + (names.Count > max ? $", … ({names.Count:N0} in all)" : "");

    // Integer labels 0..k−1 keep their numeric meaning; anything else is a class name, sorted ordinally.
    private static string[] InferClasses(string[] raw)
    {
        var distinct = raw.Distinct(StringComparer.Ordinal).ToArray();
        if (distinct.All(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            var ints = distinct.Select(s => int.Parse(s, CultureInfo.InvariantCulture)).Order().ToArray();
            if (ints[^1] < 1000) return Enumerable.Range(0, ints[^1] + 1).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        }
        return distinct.Order(StringComparer.Ordinal).ToArray();
    }

    // "1.0" for class "1", "01" for "1": the same number.
    private static bool TryNumericAlias(string s, Dictionary<string, int> index, out int label)
    {
        label = -1;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || v != Math.Floor(v)) return false;
        return index.TryGetValue(((long)v).ToString(CultureInfo.InvariantCulture), out label);
    }

    private static int ColumnIndex(string spec, string[] header, string file, string role)
    {
        int byName = Array.IndexOf(header, spec);
        if (byName >= 0) return byName;
        if (int.TryParse(spec, NumberStyles.None, CultureInfo.InvariantCulture, out int i) && i >= 1 && i <= header.Length) return i - 1;
        throw new DataException(file, null, null, $"there is no {role} column \"{SafeText.Quote(spec)}\"; the columns are {List([.. header.Select(h => $"\"{h}\"")])} (or give a 1-based index up to {header.Length})");
    }

    private static string ColumnMismatch(IReadOnlyList<string> expected, string[] found)
    {
        if (expected.Count != found.Length)
            return $"has {found.Length} feature columns; the model was trained on {expected.Count} ({List(expected)})";
        int i = Enumerable.Range(0, found.Length).First(k => expected[k] != found[k]);
        return $"feature column {i + 1} is \"{SafeText.Quote(found[i])}\"; the model was trained with \"{SafeText.Quote(expected[i])}\" there";
    }

    // The most frequent of ',', ';' and tab in the first line (the earlier of them on a tie; ',' when none occurs).
    private static char DetectSeparator(string line) => new[] { ',', ';', '\t' }.MaxBy(c => line.Count(ch => ch == c));

    private static string Show(char c) => c == '\t' ? "\\t" : c.ToString();
}

/// <summary>
/// The non-blank lines of a CSV text with their 1-based numbers (LF or CRLF ends), read a character at a
/// time so that no line, and no file, can grow past its limit before it is refused: a line longer than
/// <see cref="CsvLimits.MaxLineChars"/> (the header gets <see cref="CsvLimits.MaxHeaderChars"/>), more text than
/// <see cref="CsvLimits.MaxFileMegabytes"/>, or a NUL character (a binary file) is a <see cref="DataException"/> naming file:line.
/// </summary>
internal sealed class CsvLines(TextReader reader, string name, CsvLimits limits) : IEnumerable<(int Number, string Text)>
{
    public IEnumerator<(int Number, string Text)> GetEnumerator()
    {
        var line = new System.Text.StringBuilder();
        var buffer = new char[1 << 16];
        long total = 0, maxTotal = (long)limits.MaxFileMegabytes << 20;
        int number = 1, n;
        bool first = true;
        while ((n = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            total += n;
            if (total > maxTotal) throw new DataException(name, number, null, $"more than {limits.MaxFileMegabytes:N0} MiB of text; at most that is read (--max-csv-mb)");
            for (int start = 0; start < n;)
            {
                int at = Array.FindIndex(buffer, start, n - start, ch => ch is '\n' or '\0');   // NOTE: no span may live across a yield
                int end = at < 0 ? n : at;
                int max = first ? Math.Max(limits.MaxHeaderChars, limits.MaxLineChars) : limits.MaxLineChars;
                if (line.Length + end - start > max)
                {
                    line.Append(buffer, start, Math.Min(end - start, SafeText.QuoteLength));
                    throw new DataException(name, number, null, $"a line longer than {max:N0} characters (\"{SafeText.Quote(line.ToString(0, Math.Min(line.Length, SafeText.QuoteLength)))}…\"); at most that is read ({(first ? "--max-header-chars, " : "")}--max-line-chars)");
                }
                line.Append(buffer, start, end - start);
                if (at < 0) break;
                if (buffer[at] == '\0') throw new DataException(name, number, null, "holds a NUL character: a binary file, not CSV text");
                if (Emit(line, out var text)) { yield return (number, text); first = false; }
                line.Clear();
                number++;
                start = at + 1;
            }
        }
        if (Emit(line, out var last)) yield return (number, last);
    }

    // A line without its CR, unless blank.
    private static bool Emit(System.Text.StringBuilder line, out string text)
    {
        int end = line.Length > 0 && line[^1] == '\r' ? line.Length - 1 : line.Length;
        text = line.ToString(0, end);
        return !string.IsNullOrWhiteSpace(text);
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
