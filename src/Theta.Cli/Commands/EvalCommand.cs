namespace Theta.Cli.Commands;

/// <summary>
/// <c>theta eval --model M --data F [--json]</c>: accuracy, log-likelihood, per-class scores and the
/// confusion matrix. F is a CSV file for models from <c>theta train</c>, or an MNIST folder (the
/// 10,000 test images) for networks from <c>theta train mnist</c>.
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var modelPath = new Option<string>("--model") { Description = "A model file written by theta train.", Required = true };
        var dataPath = new Option<string>("--data") { Description = "Labelled data (CSV) with the model's columns, or an MNIST folder for a network from theta train mnist.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of tables." };
        var confusion = new Option<string?>("--confusion") { Description = "Draw the confusion matrix to this .png or .svg file." };
        var data = new DataOptions();
        var cmd = new Command("eval", "Judge a saved model on labelled data.") { modelPath, dataPath, json, confusion };
        data.AddTo(cmd);
        cmd.SetAction(p =>
        {
            string path = p.GetValue(dataPath)!;
            OutputPaths.Check(("--confusion", p.GetValue(confusion)));
            string kind;
            ClassificationMetrics m;
            IReadOnlyList<string> classes;
            if (Directory.Exists(path))
            {
                // An MNIST folder: a network file from theta train mnist, judged on the 10,000 test images.
                var net = NetworkFile.Read(p.GetValue(modelPath)!, [1, 28, 28]);
                var test = Mnist.LoadSplit(path, "t10k");
                classes = net.Metadata.Classes ?? Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                m = ClassificationMetrics.Compute(Trainer.Probabilities(net.Network, test.Images), test.Labels, classes);
                kind = net.Metadata.Extra?.GetValueOrDefault("network") ?? "network";
            }
            else
            {
                var model = WithData(ModelFile.Load(p.GetValue(modelPath)!), data, p);
                var ds = model.ReadData(path);
                m = model.Evaluate(ds);
                classes = ds.Classes;
                kind = model.Classifier.Kind;
            }
            if (p.GetValue(confusion) is { } picture)
                Charts.ConfusionMatrix(picture, m.Confusion, classes, $"{kind} on {Path.GetFileName(path.TrimEnd('/'))} ({m.Accuracy:P1} correct)");
            if (p.GetValue(json))
            {
                Console.WriteLine(new JsonObject { ["model"] = kind, ["data"] = Report.Json(m) }.ToJsonString());
                return 0;
            }
            if (!AnsiConsole.Profile.Capabilities.Interactive) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 120);
            AnsiConsole.Write(Report.Summary((Path.GetFileName(path.TrimEnd('/')), m)));
            AnsiConsole.Write(Report.PerClass(m, Markup.Escape(kind)));
            return 0;
        });
        return cmd;
    }

    /// <summary>The model with the data options given on the command line (its stored ones otherwise, with the CSV limits given).</summary>
    internal static TrainedModel WithData(TrainedModel model, DataOptions data, ParseResult p)
        => model with { Csv = data.AnyGiven(p) ? data.Read(p) : model.Csv with { Limits = data.Limits(p) } };
}
