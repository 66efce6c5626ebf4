using System.Diagnostics;

namespace Theta.Cli.Commands;

/// <summary>
/// <c>theta train --train F [--test F] --model naive-bayes|logistic|mlp [options] [--out model.theta] [--json]</c>:
/// fits a model on the training file, reports it on both files, and saves it (atomically, only after everything succeeded).
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var train = new Option<string>("--train") { Description = "Training data (CSV; label in the last column unless --label).", Required = true };
        var test = new Option<string?>("--test") { Description = "Held-out test data with the same columns." };
        var split = new Option<double?>("--split") { Description = "Without --test: hold out this fraction of the training file as the test set (stratified, seeded by --seed), e.g. 0.2." };
        var output = new Option<string?>("--out") { Description = "Where to save the model (e.g. model.theta)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of tables." };
        var plot = new Option<string?>("--plot") { Description = "Draw the training curve (the training log-likelihood per step or epoch, and the final train and test figures) to this .png or .svg file." };
        var data = new DataOptions();
        var model = new ModelOptions();
        var cmd = new Command("train", "Train a classifier on a CSV file and judge it on a held-out test file.") { train, test, split, output, json, plot };
        model.AddTo(cmd);
        data.AddTo(cmd);
        var distributed = new DistributedOptions();
        distributed.AddTo(cmd);
        cmd.Add(TrainMnistCommand.Create());
        cmd.SetAction(p =>
        {
            var parallel = distributed.Join(p); // null: this process alone; otherwise the mlp trains data-parallel
            bool lead = parallel is null || parallel.Rank == 0; // only rank 0 reports and writes files
            var csv = data.Read(p);
            var spec = model.Read(p);
            OutputPaths.Check(("--out", p.GetValue(output)), ("--plot", p.GetValue(plot)));
            bool asJson = p.GetValue(json);
            string? plotPath = p.GetValue(plot);
            if (plotPath is not null)
            {
                Pictures.IsSvg(plotPath); // a bad extension fails before training
                if (spec.Kind == ModelKind.NaiveBayes) throw new ArgumentException("--plot: naive Bayes is fitted in one pass (counts, means and variances), so it has no training curve; use --plot with logistic or mlp");
            }
            var (trainSet, testSet) = Load(p.GetValue(train)!, p.GetValue(test), csv);
            if (p.GetValue(split) is double fraction)
            {
                if (testSet is not null) throw new ArgumentException("--split holds out part of --train as the test set; give either --split or --test, not both");
                if (!(fraction > 0 && fraction < 1)) throw new ArgumentException($"--split must be a fraction between 0 and 1, got {fraction}");
                var (tr, te) = Splits.TrainTest(trainSet.Labels, fraction, new Rng(p.GetValue(model.Seed)));
                (trainSet, testSet) = (trainSet.Subset(tr), trainSet.Subset(te));
            }
            DistributedOptions.Ready(parallel?.Group, p.GetValue(train), p.GetValue(test));
            var sw = Stopwatch.StartNew();
            var curve = new List<TrainerProgress>();
            var trained = Run(trainSet, spec, csv, asJson || !lead, observe: curve.Add, parallel: parallel);
            double seconds = sw.Elapsed.TotalSeconds;
            if (!lead) return 0;
            var trainM = trained.Evaluate(trainSet);
            var testM = testSet is null ? null : trained.Evaluate(testSet);
            if (plotPath is not null) Plot(plotPath, spec, curve, trainM, testM);
            if (p.GetValue(output) is { } path) ModelFile.Save(trained, path);   // last: a failed picture leaves an old model alone

            if (asJson)
            {
                var o = new JsonObject { ["model"] = trained.Classifier.Kind, ["train"] = Report.Json(trainM) };
                if (testM is not null) o["test"] = Report.Json(testM);
                o["seconds"] = seconds;
                Console.WriteLine(o.ToJsonString());
                return 0;
            }
            if (Report.Parameters(trained.Classifier) is { } table) AnsiConsole.Write(table);
            else if (trained.Classifier is NetworkClassifier net) Console.WriteLine(net.Network.Summary(1, trainSet.FeatureCount));
            AnsiConsole.Write(testM is null ? Report.Summary(("train", trainM)) : Report.Summary(("train", trainM), ("test", testM)));
            AnsiConsole.Write(Report.PerClass(testM ?? trainM, testM is null ? "training data" : "test data"));
            AnsiConsole.MarkupLine($"{Markup.Escape(trained.Classifier.Kind)} trained in {seconds:0.000} s" +
                (p.GetValue(output) is { } saved ? $"; saved to [bold]{Markup.Escape(saved)}[/]" : ""));
            return 0;
        });
        return cmd;
    }

    // The training mean log-likelihood per step (logistic) or epoch (mlp); the final train and test values as single points.
    private static void Plot(string path, ModelSpec spec, List<TrainerProgress> curve, ClassificationMetrics train, ClassificationMetrics? test)
    {
        double[] x = [.. curve.Select(c => (double)c.Epoch)], last = [curve.Count == 0 ? 0 : curve[^1].Epoch];
        var ll = new List<Curve> { new("train (during training)", x, [.. curve.Select(c => -c.Loss)]) };
        var acc = new List<Curve> { new("train (final)", last, [train.Accuracy]) };
        if (test is not null)
        {
            ll.Add(new("test (final)", last, [test.MeanLogLikelihood]));
            acc.Add(new("test (final)", last, [test.Accuracy]));
        }
        Charts.TrainingCurves(path, spec.Name, ll, acc, "mean log-likelihood", spec.Kind == ModelKind.Logistic ? "step" : "epoch");
    }

    /// <summary>Reads the training file, then the test file with the training file's classes and features.</summary>
    internal static (Dataset Train, Dataset? Test) Load(string trainPath, string? testPath, CsvOptions csv)
    {
        var trainSet = CsvReader.Read(trainPath, csv);
        var testSet = testPath is null ? null : CsvReader.Read(testPath, csv, trainSet.Classes, trainSet.FeatureNames);
        return (trainSet, testSet);
    }

    /// <summary>Trains with a live progress bar (iterative models, interactive terminal) or quietly.</summary>
    /// <param name="observe">Also receives every progress report (for a training curve).</param>
    /// <param name="parallel">Data-parallel over MPI ranks (the mlp; naive Bayes and logistic regression are fitted whole on each rank).</param>
    internal static TrainedModel Run(Dataset train, ModelSpec spec, CsvOptions csv, bool quiet, string? label = null, Action<TrainerProgress>? observe = null,
        DataParallel? parallel = null)
    {
        if (quiet || spec.Kind == ModelKind.NaiveBayes || !AnsiConsole.Profile.Capabilities.Interactive)
            return Fitting.Fit(train, spec, csv, observe, parallel);
        TrainedModel? result = null;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(label ?? spec.Name);
                result = Fitting.Fit(train, spec, csv, parallel: parallel, progress: pr =>
                {
                    observe?.Invoke(pr);
                    task.MaxValue = pr.Epochs;
                    task.Value = pr.Epoch;
                    task.Description = $"{label ?? spec.Name}  step {pr.Epoch}/{pr.Epochs}  LL {-pr.Loss:0.0000}";
                });
                task.Value = task.MaxValue;
            });
        return result!;
    }
}
