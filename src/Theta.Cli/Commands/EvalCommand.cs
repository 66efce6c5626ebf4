using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using Theta.Data;
using Theta.Io;
using Theta.Plots;
using Theta.Training;

namespace Theta.Cli.Commands;

/// <summary><c>theta eval --model M --data F [--json]</c>: accuracy, log-likelihood, per-class scores and the confusion matrix.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var modelPath = new Option<string>("--model") { Description = "A model file written by theta train.", Required = true };
        var dataPath = new Option<string>("--data") { Description = "Labelled data (CSV) with the model's columns.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of tables." };
        var confusion = new Option<string?>("--confusion") { Description = "Draw the confusion matrix to this .png or .svg file." };
        var data = new DataOptions();
        var cmd = new Command("eval", "Judge a saved model on labelled data.") { modelPath, dataPath, json, confusion };
        data.AddTo(cmd);
        cmd.SetAction(p =>
        {
            var model = LoadModel(p.GetValue(modelPath)!, data, p);
            var ds = model.ReadData(p.GetValue(dataPath)!);
            var m = model.Evaluate(ds);
            if (p.GetValue(confusion) is { } picture)
                Charts.ConfusionMatrix(picture, m.Confusion, ds.Classes, $"{model.Classifier.Kind} on {Path.GetFileName(p.GetValue(dataPath))} ({m.Accuracy:P1} correct)");
            if (p.GetValue(json))
            {
                Console.WriteLine(new JsonObject { ["model"] = model.Classifier.Kind, ["data"] = Report.Json(m) }.ToJsonString());
                return 0;
            }
            AnsiConsole.Write(Report.Summary((Path.GetFileName(p.GetValue(dataPath)!), m)));
            AnsiConsole.Write(Report.PerClass(m, Markup.Escape(model.Classifier.Kind)));
            return 0;
        });
        return cmd;
    }

    /// <summary>Loads a model; data options given on the command line replace the ones stored in it.</summary>
    internal static TrainedModel LoadModel(string path, DataOptions data, ParseResult p)
    {
        var model = ModelFile.Load(path);
        return data.AnyGiven(p) ? model with { Csv = data.Read(p) } : model;
    }
}
