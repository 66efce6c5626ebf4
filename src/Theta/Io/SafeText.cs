using System.Globalization;
using System.Text;

namespace Theta.Io;

/// <summary>
/// Text from a file, made safe to print in an error line: control characters escaped (<c>\x1b</c>,
/// <c>\0</c>, <c>\n</c>, …: a file cannot retitle, recolour or beep the user's terminal) and long values
/// cut to their first characters with the full length said, so one bad cell never prints megabytes.
/// </summary>
public static class SafeText
{
    /// <summary>The most characters of a value an error line quotes.</summary>
    public const int QuoteLength = 80;

    /// <summary><paramref name="value"/> escaped, at most <paramref name="max"/> characters of it: <c>abc…</c> (1,048,576 characters).</summary>
    public static string Quote(string? value, int max = QuoteLength)
    {
        if (value is null) return "";
        var sb = new StringBuilder(Math.Min(value.Length, max) + 16);
        int shown = Math.Min(value.Length, max);
        for (int i = 0; i < shown; i++) Escape(sb, value[i]);
        if (value.Length > max) sb.Append("… (").Append(value.Length.ToString("N0", CultureInfo.InvariantCulture)).Append(" characters)");
        return sb.ToString();
    }

    /// <summary>A whole message as one printable line: control characters (newlines too) escaped, cut at <paramref name="max"/> characters.</summary>
    public static string OneLine(string message, int max = 2000) => Quote(message, max);

    private static void Escape(StringBuilder sb, char c)
    {
        switch (c)
        {
            case '\n': sb.Append("\\n"); return;
            case '\r': sb.Append("\\r"); return;
            case '\t': sb.Append("\\t"); return;
            case '\0': sb.Append("\\0"); return;
        }
        if (char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029' or '\u200e' or '\u200f' or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069'))
            sb.Append(c < 0x100 ? $"\\x{(int)c:x2}" : $"\\u{(int)c:x4}");
        else sb.Append(c);
    }
}
