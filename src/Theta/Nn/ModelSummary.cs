using System.Globalization;
using System.Text;

namespace Theta.Nn;

/// <summary>One row of a <see cref="ModelSummary"/>: a layer's dotted name, type, output shape (batch axis included) and parameter count.</summary>
public sealed record SummaryRow(string Name, string Type, Shape OutputShape, int Parameters);

/// <summary>
/// What <see cref="Module.Summary"/> returns: a row per layer and the total parameter count.
/// <see cref="ToString"/> renders an aligned table:
/// <code>
/// Layer  Type     Output shape  Parameters
/// 0      Linear   [1, 20]              800
/// 1      Sigmoid  [1, 20]                0
/// …
/// Total                                820
/// </code>
/// </summary>
public sealed record ModelSummary(Shape InputShape, IReadOnlyList<SummaryRow> Rows, int TotalParameters)
{
    /// <summary>Runs <paramref name="model"/> on zeros of <paramref name="inputShape"/> (NoGrad, evaluation mode, then the mode is restored), layer by layer for a <see cref="Sequential"/> (nested ones are opened too).</summary>
    public static ModelSummary Of(Module model, params int[] inputShape)
    {
        var rows = new List<SummaryRow>();
        using (model.EvalScope()) Walk(model, "", Tensor.Zeros(inputShape), rows);
        return new ModelSummary(new Shape(inputShape), rows, model.ParameterCount);
    }

    // Opens Sequentials (their layers run in order); any other module is one row.
    private static Tensor Walk(Module m, string name, Tensor x, List<SummaryRow> rows)
    {
        if (m is Sequential seq)
        {
            for (int i = 0; i < seq.Count; i++)
                x = Walk(seq[i], name.Length == 0 ? $"{i}" : $"{name}.{i}", x, rows);
            return x;
        }
        var y = m.Forward(x);
        rows.Add(new SummaryRow(name.Length == 0 ? "-" : name, m.TypeName, y.Shape, m.ParameterCount));
        return y;
    }

    /// <summary>The aligned text table: one line per layer, then the input shape and the total.</summary>
    public override string ToString()
    {
        string[] head = ["Layer", "Type", "Output shape", "Parameters"];
        var cells = Rows.Select(r => new[] { r.Name, r.Type, r.OutputShape.ToString(), r.Parameters.ToString("N0", CultureInfo.InvariantCulture) }).ToList();
        var w = new int[4];
        foreach (var row in cells.Prepend(head))
            for (int c = 0; c < 4; c++) w[c] = Math.Max(w[c], row[c].Length);
        var sb = new StringBuilder();
        void Line(string[] r) => sb.Append(r[0].PadRight(w[0])).Append("  ").Append(r[1].PadRight(w[1])).Append("  ")
            .Append(r[2].PadRight(w[2])).Append("  ").Append(r[3].PadLeft(w[3])).Append('\n');
        Line(head);
        sb.Append('-', w.Sum() + 6).Append('\n');
        foreach (var r in cells) Line(r);
        sb.Append('-', w.Sum() + 6).Append('\n');
        sb.Append($"Input {InputShape}; total parameters: {TotalParameters.ToString("N0", CultureInfo.InvariantCulture)}\n");
        return sb.ToString();
    }
}
