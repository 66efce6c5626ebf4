using static Theta.Cli.Commands.ExplainCommand;

namespace Theta.Cli.Commands;

/// <summary>
/// <c>theta gradcheck --model M --data F [--rows K] [--json]</c>: every parameter's autodiff gradient
/// against central differences on the first K rows; a PASS/FAIL line naming the worst tensor.
/// Exit code 0 on pass, 2 on fail (1 is an error).
/// </summary>
internal static class GradCheckCommand
{
    public static Command Create()
    {
        var modelPath = new Option<string>("--model") { Description = "A model file (mlp or logistic from theta train, or a network file).", Required = true };
        var dataPath = new Option<string>("--data") { Description = "Labelled data (CSV) with the model's columns.", Required = true };
        var rows = new Option<int>("--rows") { Description = "How many rows (the first ones) the log-likelihood sums over.", DefaultValueFactory = _ => 5 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var cmd = new Command("gradcheck", "Check every gradient of a saved model against central differences (exit 2 when one disagrees).") { modelPath, dataPath, rows, json };
        cmd.SetAction(p =>
        {
            var model = InspectedModel.Load(p.GetValue(modelPath)!);
            var net = model.RequireNetwork("gradcheck");
            var ds = model.ReadData(p.GetValue(dataPath)!);
            int k = p.GetValue(rows);
            if (k < 1) throw new ArgumentException($"--rows must be at least 1, got {k}");
            var r = GradCheck.Run(net, model.Inputs(ds), ds.Labels, new GradCheckOptions(Rows: k));
            var w = r.Worst;
            string verdict = $"{(r.Passed ? "PASS" : "FAIL")}: worst {w.Name} (relative error {E(w.RelativeError)} {(r.Passed ? "<" : "≥")} {E(r.Options.Tolerance)}; entry {w.WorstEntry}: autodiff {G(w.Autodiff)}, central differences {G(w.Numeric)}) on {r.Rows} rows";
            if (p.GetValue(json))
            {
                Console.WriteLine(new JsonObject
                {
                    ["passed"] = r.Passed, ["rows"] = r.Rows, ["tolerance"] = r.Options.Tolerance, ["worst"] = w.Name, ["maxRelativeError"] = w.RelativeError,
                    ["tensors"] = new JsonArray([.. r.Tensors.Select(t => (JsonNode)new JsonObject
                    {
                        ["name"] = t.Name, ["shape"] = t.Shape.ToString(), ["relativeError"] = t.RelativeError, ["worstEntry"] = t.WorstEntry.ToString(),
                        ["autodiff"] = t.Autodiff, ["numeric"] = t.Numeric,
                    })]),
                }.ToJsonString());
            }
            else
            {
                var t = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"{model.Kind}: ∂LL/∂θ, autodiff vs central differences (ε = 1e-3·max(1, |θ|))"))
                    .AddColumn("parameter").AddColumn("shape").AddColumn(new TableColumn("relative error").RightAligned()).AddColumn("largest gap at")
                    .AddColumn(new TableColumn("autodiff").RightAligned()).AddColumn(new TableColumn("central differences").RightAligned());
                foreach (var c in r.Tensors)
                    t.AddRow(Markup.Escape(c.Name), Markup.Escape(c.Shape.ToString()), E(c.RelativeError), Markup.Escape(c.WorstEntry.ToString()), G(c.Autodiff), G(c.Numeric));
                AnsiConsole.Write(t);
                AnsiConsole.MarkupLine((r.Passed ? "[green]" : "[red]") + Markup.Escape(verdict) + "[/]");
            }
            return r.Passed ? 0 : 2;
        });
        return cmd;
    }
}
