using System.Globalization;

namespace Theta.Data;

/// <summary>How to read a CSV file of examples. Defaults: a header row, the label in the last column, the separator detected.</summary>
/// <param name="HasHeader">The first line names the columns (otherwise columns are named col1, col2, …).</param>
/// <param name="Label">The label column, by name or by 1-based index; null = the last column.</param>
/// <param name="Drop">Columns to ignore, by name or 1-based index.</param>
/// <param name="Group">A column kept out of the features and returned as the group attribute (fairness).</param>
/// <param name="Separator">',' ';' or '\t'; null = detect from the first line.</param>
public sealed record CsvOptions(
    bool HasHeader = true,
    string? Label = null,
    IReadOnlyList<string>? Drop = null,
    string? Group = null,
    char? Separator = null);

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
        if (!File.Exists(path)) throw new DataException(path, null, null, "no such file");
        string text;
        try { text = File.ReadAllText(path); }
        catch (IOException e) { throw new DataException(path, null, null, $"cannot be read: {e.Message}"); }
        return Parse(text, path, options ?? new CsvOptions(), classes, features);
    }

    /// <summary>Parses CSV text; <paramref name="name"/> is used in messages.</summary>
    public static Dataset Parse(string text, string name, CsvOptions options, IReadOnlyList<string>? classes = null,
        IReadOnlyList<string>? features = null)
    {
        var lines = SplitLines(text);
        if (lines.Count == 0) throw new DataException(name, null, null, "the file is empty; expected " + (options.HasHeader ? "a header row and " : "") + "rows of numbers");
        char sep = options.Separator ?? DetectSeparator(lines[0].Text);

        string[] header;
        int first;
        if (options.HasHeader)
        {
            header = lines[0].Text.Split(sep).Select(h => h.Trim().Trim('"')).ToArray();
            first = 1;
        }
        else
        {
            header = Enumerable.Range(1, lines[0].Text.Split(sep).Length).Select(i => $"col{i}").ToArray();
            first = 0;
        }
        if (lines.Count <= first) throw new DataException(name, lines[0].Number, null, "there is a header but no data rows");
        if (header.Length < 2) throw new DataException(name, lines[0].Number, null, $"found {header.Length} column (separator '{Show(sep)}'); expected at least one feature and a label");

        int labelCol = options.Label is null ? header.Length - 1 : ColumnIndex(options.Label, header, name, "label");
        int groupCol = options.Group is null ? -1 : ColumnIndex(options.Group, header, name, "group");
        if (groupCol == labelCol) throw new DataException(name, null, null, $"the group column \"{header[groupCol]}\" is also the label column");
        var dropped = new HashSet<int>((options.Drop ?? []).Select(d => ColumnIndex(d, header, name, "dropped")));
        if (dropped.Contains(labelCol)) throw new DataException(name, null, null, $"the label column \"{header[labelCol]}\" cannot be dropped");
        var featureCols = Enumerable.Range(0, header.Length).Where(c => c != labelCol && c != groupCol && !dropped.Contains(c)).ToArray();
        if (featureCols.Length == 0) throw new DataException(name, null, null, "no feature columns are left after the label, group and dropped columns");
        var featureNames = featureCols.Select(c => header[c]).ToArray();
        if (features is not null && !features.SequenceEqual(featureNames))
            throw new DataException(name, options.HasHeader ? lines[0].Number : null, null, ColumnMismatch(features, featureNames));

        int rows = lines.Count - first, d = featureCols.Length;
        var x = new float[rows * d];
        var rawLabels = new string[rows];
        var groups = groupCol < 0 ? null : new string[rows];
        for (int r = 0; r < rows; r++)
        {
            var (lineNo, line) = lines[first + r];
            var cells = line.Split(sep);
            if (cells.Length != header.Length)
                throw new DataException(name, lineNo, null, $"found {cells.Length} fields; expected {header.Length} like the {(options.HasHeader ? "header" : "first line")} (separator '{Show(sep)}')");
            for (int j = 0; j < d; j++)
            {
                int c = featureCols[j];
                var cell = cells[c].Trim().Trim('"');
                if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v))
                    throw new DataException(name, lineNo, c + 1, $"\"{cell}\" is not a finite number; expected a numeric value for feature \"{header[c]}\"");
                x[r * d + j] = v;
            }
            rawLabels[r] = cells[labelCol].Trim().Trim('"');
            if (rawLabels[r].Length == 0) throw new DataException(name, lineNo, labelCol + 1, $"the label (column \"{header[labelCol]}\") is empty");
            if (groups is not null) groups[r] = cells[groupCol].Trim().Trim('"');
        }

        var classList = classes?.ToArray() ?? InferClasses(rawLabels);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int k = 0; k < classList.Length; k++) index[classList[k]] = k;
        var labels = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            if (!index.TryGetValue(rawLabels[r], out labels[r]) && !TryNumericAlias(rawLabels[r], index, out labels[r]))
                throw new DataException(name, lines[first + r].Number, labelCol + 1,
                    $"label \"{rawLabels[r]}\" is not one of the expected classes {{{string.Join(", ", classList)}}}");
        }
        var origin = new DataOrigin(lines.Skip(first).Select(l => l.Number).ToArray(), featureCols.Select(c => c + 1).ToArray());
        return new Dataset(Tensor.FromArray(x, rows, d), labels, classList, featureNames, groups, name, origin);
    }

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
        throw new DataException(file, null, null, $"there is no {role} column \"{spec}\"; the columns are {string.Join(", ", header.Select(h => $"\"{h}\""))} (or give a 1-based index up to {header.Length})");
    }

    private static string ColumnMismatch(IReadOnlyList<string> expected, string[] found)
    {
        if (expected.Count != found.Length)
            return $"has {found.Length} feature columns; the model was trained on {expected.Count} ({string.Join(", ", expected)})";
        int i = Enumerable.Range(0, found.Length).First(k => expected[k] != found[k]);
        return $"feature column {i + 1} is \"{found[i]}\"; the model was trained with \"{expected[i]}\" there";
    }

    private static char DetectSeparator(string line)
    {
        char best = ',';
        int bestCount = 0;
        foreach (char c in new[] { ',', ';', '\t' })
        {
            int n = line.Count(ch => ch == c);
            if (n > bestCount) { best = c; bestCount = n; }
        }
        return best;
    }

    private static string Show(char c) => c == '\t' ? "\\t" : c.ToString();

    // Non-blank lines with their 1-based numbers; LF or CRLF.
    private static List<(int Number, string Text)> SplitLines(string text)
    {
        var result = new List<(int, string)>();
        int n = 0;
        foreach (var raw in text.Split('\n'))
        {
            n++;
            var line = raw.EndsWith('\r') ? raw[..^1] : raw;
            if (line.Trim().Length > 0) result.Add((n, line));
        }
        return result;
    }
}
