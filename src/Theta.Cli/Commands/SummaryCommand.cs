namespace Theta.Cli.Commands;

/// <summary><c>theta summary --model M [--input-shape 1,28,28] [--json]</c>: layers, output shapes, parameter counts and the total.</summary>
internal static class SummaryCommand
{
    public static Command Create()
    {
        var modelPath = new Option<string>("--model") { Description = "A model file (theta train) or a network file.", Required = true };
        var inputShape = new Option<string?>("--input-shape") { Description = "One example's shape without the batch axis, for a network file that does not store it, e.g. 1,28,28." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var cmd = new Command("summary", "Show a model's layers, their output shapes and parameter counts.") { modelPath, inputShape, json };
        cmd.SetAction(p =>
        {
            var model = InspectedModel.Load(p.GetValue(modelPath)!);
            int[]? shape = p.GetValue(inputShape)?.Split(',', StringSplitOptions.TrimEntries).Select(s =>
                int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= 1 ? v
                    : throw new ArgumentException($"--input-shape: '{s}' is not a positive size (expected e.g. 1,28,28)")).ToArray();
            var s = model.Summary(shape);
            if (p.GetValue(json))
            {
                Console.WriteLine(new JsonObject
                {
                    ["model"] = model.Kind, ["input"] = s.InputShape.ToString(), ["totalParameters"] = s.TotalParameters,
                    ["layers"] = new JsonArray([.. s.Rows.Select(r => (JsonNode)new JsonObject
                        { ["name"] = r.Name, ["type"] = r.Type, ["outputShape"] = r.OutputShape.ToString(), ["parameters"] = r.Parameters })]),
                }.ToJsonString());
                return 0;
            }
            bool tables = s.Rows.All(r => r.Type == "table");
            var t = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"{model.Kind}: {Path.GetFileName(model.Path)}"))
                .AddColumn(tables ? "table" : "layer").AddColumn("type").AddColumn(tables ? "shape" : "output shape").AddColumn(new TableColumn("parameters").RightAligned());
            foreach (var r in s.Rows) t.AddRow(Markup.Escape(r.Name), Markup.Escape(r.Type), Markup.Escape(r.OutputShape.ToString()), r.Parameters.ToString("N0", CultureInfo.InvariantCulture));
            t.AddRow("total", "", "", s.TotalParameters.ToString("N0", CultureInfo.InvariantCulture));
            t.Caption(Markup.Escape($"input {s.InputShape} (a batch of one)" + (tables ? "; naive Bayes estimates these tables from counts" : "")));
            AnsiConsole.Write(t);
            return 0;
        });
        return cmd;
    }
}
