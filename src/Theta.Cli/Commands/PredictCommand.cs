using System.CommandLine;
using System.Globalization;
using System.Text;
using Theta.Io;

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
            var model = EvalCommand.LoadModel(p.GetValue(modelPath)!, data, p);
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
                sb.Append(',').Append(Csv(classes[Training.ClassificationMetrics.ArgMax(row)])).Append('\n');
            }
            if (p.GetValue(output) is { } path) AtomicFile.WriteText(path, sb.ToString());
            else Console.Out.Write(sb.ToString());
            return 0;
        });
        return cmd;
    }

    private static string Csv(string s) => s.Contains(',') || s.Contains('"') ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
