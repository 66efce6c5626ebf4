using System.Text;

namespace Theta.Cli.Commands;

/// <summary>
/// <c>theta predict --model M --data F [--out F]</c>: one row per example with the probability of
/// every class and the predicted class, as CSV (to stdout, or atomically to a file).
/// The data's label column is optional here: rows are predicted whatever their labels say.
/// </summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var modelPath = new Option<string>("--model") { Description = "A model file written by theta train.", Required = true };
        var dataPath = new Option<string>("--data") { Description = "Data (CSV) with the model's feature columns.", Required = true };
        var output = new Option<string?>("--out") { Description = "Write the predictions here instead of standard output." };
        var data = new DataOptions();
        var cmd = new Command("predict", "Predict class probabilities for every row of a CSV file.") { modelPath, dataPath, output };
        data.AddTo(cmd);
        cmd.SetAction(p =>
        {
            OutputPaths.Check(("--out", p.GetValue(output)));
            var (regression, loaded) = ModelFile.LoadEither(p.GetValue(modelPath)!);
            if (regression is not null) return PredictValues(regression, p.GetValue(dataPath)!, p.GetValue(output));
            var model = EvalCommand.WithData(loaded!, data, p);
            var ds = model.ReadData(p.GetValue(dataPath)!, requireKnownLabels: false);
            var probs = model.PredictProba(ds);
            var classes = model.Classifier.Classes;
            int C = classes.Count;
            var sb = new StringBuilder();
            sb.Append("row,").Append(string.Join(",", classes.Select(c => $"P({Csv(c)})"))).Append(",predicted\n");
            for (int r = 0; r < ds.Rows; r++)
            {
                var row = probs.Data.Slice(r * C, C);
                sb.Append(r + 1);
                foreach (float v in row) sb.Append(',').Append(v.ToString("0.######", CultureInfo.InvariantCulture));
                sb.Append(',').Append(Csv(classes[Metrics.ClassificationMetrics.ArgMax(row)])).Append('\n');
            }
            if (p.GetValue(output) is { } path) AtomicFile.WriteText(path, sb.ToString());
            else Console.Out.Write(sb.ToString());
            return 0;
        });
        return cmd;
    }

    // A regression model from theta search: one predicted value per row.
    private static int PredictValues(RegressionModel model, string dataPath, string? output)
    {
        var (x, _) = model.ReadData(dataPath);
        var y = model.Predict(x);
        var sb = new StringBuilder($"row,predicted {Csv(model.Target)}\n");
        for (int r = 0; r < y.Length; r++) sb.Append(r + 1).Append(',').Append(y[r].ToString("G7", CultureInfo.InvariantCulture)).Append('\n');
        if (output is not null) AtomicFile.WriteText(output, sb.ToString());
        else Console.Out.Write(sb.ToString());
        return 0;
    }

    private static string Csv(string s) => s.Contains(',') || s.Contains('"') ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
