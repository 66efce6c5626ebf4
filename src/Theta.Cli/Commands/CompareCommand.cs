using System.Diagnostics;

namespace Theta.Cli.Commands;

/// <summary>
/// <c>theta compare --train F --test F</c>: trains naive Bayes, logistic regression and a small
/// neural network on the same data and prints one table, the winner (highest test accuracy,
/// then highest test log-likelihood) marked. "Try both and keep the one that wins" in one command.
/// </summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var train = new Option<string>("--train") { Description = "Training data (CSV).", Required = true };
        var test = new Option<string>("--test") { Description = "Held-out test data with the same columns.", Required = true };
        var output = new Option<string?>("--out") { Description = "Save the winning model here." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var data = new DataOptions();
        var model = new ModelOptions();
        var cmd = new Command("compare", "Train naive Bayes, logistic regression and a neural network; keep the one that wins on the test set.") { train, test, output, json };
        model.AddTo(cmd, withModel: false);
        data.AddTo(cmd);
        cmd.SetAction(p =>
        {
            var csv = data.Read(p);
            OutputPaths.Check(("--out", p.GetValue(output)));
            bool asJson = p.GetValue(json);
            var (trainSet, testSet) = TrainCommand.Load(p.GetValue(train)!, p.GetValue(test)!, csv);
            var rows = new List<(string Name, TrainedModel Model, ClassificationMetrics Train, ClassificationMetrics Test, double Seconds)>();
            foreach (var kind in new[] { "naive-bayes", "logistic", "mlp" })
            {
                var spec = model.Read(p, kind);
                var sw = Stopwatch.StartNew();
                var trained = TrainCommand.Run(trainSet, spec, csv, asJson, kind);
                double s = sw.Elapsed.TotalSeconds;
                rows.Add((kind, trained, trained.Evaluate(trainSet), trained.Evaluate(testSet!), s));
            }
            int best = Enumerable.Range(0, rows.Count)
                .OrderByDescending(i => rows[i].Test.Accuracy).ThenByDescending(i => rows[i].Test.MeanLogLikelihood).First();
            if (p.GetValue(output) is { } path) Tabular.ModelFile.Save(rows[best].Model, path);

            if (asJson)
            {
                Console.WriteLine(new JsonObject
                {
                    ["winner"] = rows[best].Name,
                    ["models"] = new JsonArray(rows.Select(r => (JsonNode)new JsonObject
                    {
                        ["model"] = r.Name, ["kind"] = r.Model.Classifier.Kind,
                        ["train"] = Report.Json(r.Train), ["test"] = Report.Json(r.Test), ["seconds"] = r.Seconds,
                    }).ToArray()),
                }.ToJsonString());
                return 0;
            }
            var t = Report.Table("same training and test data", ["model"], "train accuracy", "test accuracy", "test log-likelihood", "training time").AddColumn("");
            for (int i = 0; i < rows.Count; i++)
            {
                var r = rows[i];
                string name = r.Model.Classifier.Kind switch
                {
                    "bernoulli-naive-bayes" => "naive Bayes (Bernoulli)",
                    "gaussian-naive-bayes" => "naive Bayes (Gaussian)",
                    "logistic" => "logistic regression",
                    "softmax" => "softmax regression",
                    _ => $"neural network ({string.Join("-", ((NetworkClassifier)r.Model.Classifier).Hidden)} hidden)",
                };
                t.AddRow(i == best ? $"[bold green]{Markup.Escape(name)}[/]" : Markup.Escape(name), Report.F(r.Train.Accuracy), Report.F(r.Test.Accuracy),
                    Report.F(r.Test.MeanLogLikelihood), $"{r.Seconds:0.000} s", i == best ? "[bold green]◀ winner[/]" : "");
            }
            if (!AnsiConsole.Profile.Capabilities.Interactive) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 120);
            AnsiConsole.Write(t);
            if (p.GetValue(output) is { } saved) AnsiConsole.MarkupLine($"saved the winner to [bold]{Markup.Escape(saved)}[/]");
            return 0;
        });
        return cmd;
    }
}
