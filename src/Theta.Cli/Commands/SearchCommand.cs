using System.Text;
using Theta.Search;

namespace Theta.Cli.Commands;

/// <summary>
/// <c>theta search --train F [--test F] --budget 10m [--folds 5] [--seed S] [--ensemble K] [--out M] [--report NAME]</c>:
/// lets the computer choose the network and its training (<see cref="ModelSearch"/>), with a live leaderboard;
/// saves the best model (or the top-K ensemble) with its preprocessing, so <c>theta predict</c> works on raw files.
/// </summary>
internal static class SearchCommand
{
    public static Command Create()
    {
        var train = new Option<string>("--train") { Description = "Training data (CSV; label in the last column unless --label). Cross-validation runs on it.", Required = true };
        var test = new Option<string?>("--test") { Description = "Held-out test data with the same columns: the chosen model is judged on it once, at the end." };
        var budget = new Option<string>("--budget") { Description = "Wall-clock time for the whole search, e.g. 90s, 10m, 1h (default 10m).", DefaultValueFactory = _ => "10m" };
        var folds = new Option<int>("--folds") { Description = "k of the k-fold cross-validation (default 5).", DefaultValueFactory = _ => 5 };
        var seed = new Option<ulong>("--seed") { Description = "Seeds the candidates, folds and every initialisation (default 1).", DefaultValueFactory = _ => 1UL };
        var ensemble = new Option<int>("--ensemble") { Description = "Average the probabilities (or predictions) of the top K candidates (default 1: the best alone).", DefaultValueFactory = _ => 1 };
        var workers = new Option<int>("--workers") { Description = "Candidates trained at once (default: one per core).", DefaultValueFactory = _ => 0 };
        var task = new Option<string>("--task") { Description = "auto, classification or regression (auto: regression when the label is a number with non-integers or over 20 distinct values).", DefaultValueFactory = _ => "auto" };
        var cost = new Option<string?>("--cost") { Description = "The cost figures a,b,u/start/pace,… a search reports, to repeat it exactly (skips the calibration and the clock); a,b,u alone plans in predicted work only." };
        var output = new Option<string?>("--out") { Description = "Where to save the chosen model (e.g. model.theta)." };
        var report = new Option<string?>("--report") { Description = "Write NAME.csv (every candidate's config and score per rung) and NAME.png (the successive-halving ladder)." };
        var top = new Option<int>("--top") { Description = "Rows of the leaderboard shown (default 10).", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of tables (no live leaderboard)." };
        var data = new DataOptions();
        var cmd = new Command("search", "Let the computer choose: random search over networks and training settings, k-fold cross-validation and successive halving within a time budget.")
            { train, test, budget, folds, seed, ensemble, workers, task, cost, output, report, top, json };
        data.AddTo(cmd);
        var distributed = new DistributedOptions();
        distributed.AddTo(cmd, training: false);
        cmd.SetAction(p =>
        {
            var group = distributed.Join(p)?.Group; // under mpirun: the fold models are shared among the ranks
            bool lead = group is null || group.Rank == 0; // only rank 0 reports and writes files
            var csv = data.Read(p);
            var time = ParseBudget(p.GetValue(budget)!);
            var options = new SearchOptions(time, p.GetValue(folds), p.GetValue(seed), p.GetValue(ensemble), p.GetValue(workers),
                p.GetValue(cost) is { } c ? CostModel.Parse(c) : null);
            // Where results go is checked before the search, not after minutes of work.
            OutputPaths.Check(("--out", p.GetValue(output)), ("--report", p.GetValue(report) is { } r ? r + ".csv" : null), ("--report", p.GetValue(report) is { } r2 ? r2 + ".png" : null));

            var (kind, searchData, testData) = ReadData(p.GetValue(train)!, p.GetValue(test), csv, p.GetValue(task)!);
            bool asJson = p.GetValue(json);
            if (!AnsiConsole.Profile.Capabilities.Interactive) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 120);
            int shown = Math.Max(1, p.GetValue(top));
            DistributedOptions.Ready(group, p.GetValue(train), p.GetValue(test));
            var result = Run(searchData, options, asJson || !lead, shown, group);
            if (!lead) return 0;

            // Judge once on the test file, then write the report and the model (only when everything succeeded).
            var (testJson, testLine) = testData is null ? (null, null) : Judge(result, testData, kind);
            if (p.GetValue(report) is { } name) WriteReport(name, result);
            if (p.GetValue(output) is { } path)
            {
                if (kind == SearchTask.Classification) ModelFile.Save(result.Model.ToTrainedModel(csv), path);
                else result.Model.ToRegressionModel(csv, LabelName(p.GetValue(train)!, csv)).Save(path);
            }

            if (asJson)
            {
                var o = ResultJson(result, kind, time, shown);
                if (testJson is not null) o["test"] = testJson;
                Console.WriteLine(o.ToJsonString());
                return 0;
            }
            foreach (var w in result.Warnings) Console.Error.WriteLine($"theta: warning: {w}");
            AnsiConsole.Write(Leaderboard(result.Leaderboard, shown, kind, "leaderboard (cross-validated on the training data)"));
            AnsiConsole.MarkupLine(Markup.Escape(PlanLine(result)));
            var best = result.Model.Members;
            AnsiConsole.MarkupLine(Markup.Escape(best.Count == 1
                ? $"chosen: #{best[0].Id} {best[0].Config}, refitted on all {searchData.Rows} rows"
                : $"chosen: an ensemble of #{string.Join(", #", best.Select(b => b.Id))}, each refitted on all {searchData.Rows} rows"));
            if (testLine is not null) AnsiConsole.MarkupLine($"[bold]{Markup.Escape(testLine)}[/]");
            if (p.GetValue(output) is { } saved) AnsiConsole.MarkupLine($"saved to [bold]{Markup.Escape(saved)}[/]");
            return 0;
        });
        return cmd;
    }

    // The training file as a search task (--task auto detects it), and the test file read with the training file's columns.
    private static (SearchTask Kind, SearchData Train, SearchData? Test) ReadData(string trainPath, string? testPath, CsvOptions csv, string task)
    {
        var trainSet = CsvReader.Read(trainPath, csv);
        var kind = task switch
        {
            "auto" => SearchData.Detect(trainSet),
            "classification" => SearchTask.Classification,
            "regression" => SearchTask.Regression,
            var s => throw new ArgumentException($"--task: '{s}' is not one of auto, classification, regression"),
        };
        bool cls = kind == SearchTask.Classification;
        Dataset? testSet = testPath is null ? null : CsvReader.Read(testPath, csv, cls ? trainSet.Classes : null, trainSet.FeatureNames);
        SearchData As(Dataset d) => cls ? SearchData.Classification(d) : SearchData.Regression(d);
        return (kind, As(trainSet), testSet is null ? null : As(testSet));
    }

    // The chosen model on the held-out test data: the JSON entry and the line for the terminal.
    private static (JsonObject Json, string Line) Judge(SearchResult result, SearchData testData, SearchTask kind)
    {
        if (kind == SearchTask.Classification)
        {
            var m = Metrics.ClassificationMetrics.Compute(result.Model.PredictProba(testData.Features), testData.Labels!, testData.Classes);
            return (Report.Json(m), $"test accuracy {m.Accuracy:0.0000} ({m.Rows} rows), mean log-likelihood {m.MeanLogLikelihood:0.0000}");
        }
        var yHat = result.Model.Predict(testData.Features);
        double rmse = Math.Sqrt(yHat.Zip(testData.Targets!, (a, b) => (double)(a - b) * (a - b)).Average());
        return (new JsonObject { ["rows"] = yHat.Length, ["rmse"] = rmse }, $"test RMSE {rmse:G5} ({yHat.Length} rows)");
    }

    // The --json output (the test entry added by the caller).
    private static JsonObject ResultJson(SearchResult result, SearchTask kind, TimeSpan budget, int shown) => new()
    {
        ["task"] = kind.ToString().ToLowerInvariant(),
        ["seconds"] = result.Seconds,
        ["budgetSeconds"] = budget.TotalSeconds,
        ["plan"] = new JsonObject
        {
            ["rungs"] = new JsonArray([.. result.Plan.Rungs.Select(r => (JsonNode)new JsonObject { ["candidates"] = r.Candidates, ["epochs"] = r.Epochs })]),
            ["cost"] = result.Plan.Cost.ToString(), ["costMeasured"] = result.Plan.CostMeasured,
            ["workers"] = result.Plan.Workers, ["folds"] = result.Plan.Folds, ["predictedSeconds"] = result.PredictedSeconds,
        },
        ["stoppedByClock"] = result.StoppedByClock,
        ["members"] = new JsonArray([.. result.Model.Members.Select(m => (JsonNode)m.Id)]),
        ["leaderboard"] = new JsonArray([.. result.Leaderboard.Take(shown).Select(Json)]),
        ["candidates"] = result.Leaderboard.Count,
        ["warnings"] = new JsonArray([.. result.Warnings.Select(w => (JsonNode)w)]),
    };

    // The label column's name in the header (for the predictions' header): --label, or the last column.
    private static string LabelName(string path, CsvOptions csv)
    {
        if (!csv.HasHeader) return csv.Label ?? "target";
        var first = File.ReadLines(path).FirstOrDefault() ?? "";
        char sep = csv.Separator ?? new[] { ',', ';', '\t' }.MaxBy(c => first.Count(ch => ch == c));
        var header = first.Split(sep).Select(h => h.Trim().Trim('"')).ToArray();
        if (csv.Label is null) return header[^1];
        return header.Contains(csv.Label) ? csv.Label
            : int.TryParse(csv.Label, out int i) && i >= 1 && i <= header.Length ? header[i - 1] : csv.Label;
    }

    /// <summary>90s, 10m, 1.5h, 2min; a bare number is an error (seconds or minutes?).</summary>
    internal static TimeSpan ParseBudget(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        (string unit, double scale) = t.EndsWith("ms", StringComparison.Ordinal) ? ("ms", 0.001) : t.EndsWith("min", StringComparison.Ordinal) ? ("min", 60)
            : t.EndsWith('s') ? ("s", 1) : t.EndsWith('m') ? ("m", 60) : t.EndsWith('h') ? ("h", 3600) : ("", 0);
        if (unit.Length > 0 && double.TryParse(t[..^unit.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 && double.IsFinite(v))
            return TimeSpan.FromSeconds(v * scale);
        throw new ArgumentException($"--budget: \"{text}\" is not a time; give a number and a unit, e.g. 90s, 10m or 1h");
    }

    // Runs the search with a live leaderboard in an interactive terminal, a line per rung otherwise (stderr), or quietly (--json).
    private static SearchResult Run(SearchData data, SearchOptions options, bool quiet, int shown, Training.ICollectives? group)
    {
        if (quiet) return ModelSearch.Run(data, options, group: group);
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            int lastRung = -1;
            return ModelSearch.Run(data, options, group: group, progress: pr =>
            {
                if (pr.Stage == "rung" && pr.Done == pr.Total && pr.Rung != lastRung)
                {
                    lastRung = pr.Rung;
                    var b = pr.Leaderboard.FirstOrDefault();
                    string best = b is null ? "" : $"; best #{b.Id} {b.Config.Shape}: {Score(b.Last, data.Task)}";
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"# rung {pr.Rung + 1}/{pr.Rungs}: {pr.Total} fold models to {pr.Epochs:0.#} epochs, {pr.Elapsed.TotalSeconds:0.0} s of {pr.Budget.TotalSeconds:0} s{best}"));
                }
            });
        }
        SearchResult? result = null;
        var table = new Table();
        AnsiConsole.Live(table).AutoClear(true).Start(ctx =>
        {
            var last = DateTime.MinValue;
            result = ModelSearch.Run(data, options, group: group, progress: pr =>
            {
                if (pr.Stage == "rung" && pr.Done < pr.Total && (DateTime.UtcNow - last).TotalMilliseconds < 200) return; // ~5 frames a second
                last = DateTime.UtcNow;
                string head = pr.Stage switch
                {
                    "rung" => $"rung {pr.Rung + 1}/{pr.Rungs}: {pr.Done}/{pr.Total} fold models trained to {pr.Epochs:0.#} epochs",
                    "final fit" => $"final fit on all rows: {pr.Done}/{pr.Total}",
                    _ => pr.Stage,
                };
                ctx.UpdateTarget(Leaderboard(pr.Leaderboard, shown, data.Task,
                    $"{head}  ·  {pr.Elapsed.TotalSeconds:0}s of {pr.Budget.TotalSeconds:0}s"));
            });
        });
        return result!;
    }

    private static string Score(RungScore s, SearchTask task) => task == SearchTask.Classification
        ? string.Create(CultureInfo.InvariantCulture, $"CV accuracy {s.Accuracy:0.0000}, LL {-s.Loss:0.0000}")
        : string.Create(CultureInfo.InvariantCulture, $"CV RMSE {s.Rmse:G5}");

    private static Table Leaderboard(IReadOnlyList<CandidateResult> board, int shown, SearchTask task, string title)
    {
        var t = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title))
            .AddColumn(new TableColumn("#").RightAligned()).AddColumn("hidden layers").AddColumn("training")
            .AddColumn(new TableColumn("rung").RightAligned()).AddColumn(new TableColumn("epochs").RightAligned());
        if (task == SearchTask.Classification) t.AddColumn(new TableColumn("CV accuracy").RightAligned()).AddColumn(new TableColumn("CV log-lik.").RightAligned());
        else t.AddColumn(new TableColumn("CV RMSE").RightAligned());
        foreach (var c in board.Take(shown))
        {
            var s = c.Last;
            var cells = new List<string> { c.Id.ToString(CultureInfo.InvariantCulture), Markup.Escape(c.Config.Shape), Markup.Escape(c.Config.Training),
                (s.Rung + 1).ToString(CultureInfo.InvariantCulture), Report.F(s.Epochs, "0.#") };
            if (c.Diverged) cells.AddRange(task == SearchTask.Classification ? ["diverged", ""] : ["diverged"]);
            else if (task == SearchTask.Classification) cells.AddRange([Report.F(s.Accuracy), Report.F(-s.Loss)]);
            else cells.Add(s.Rmse.ToString("G5", CultureInfo.InvariantCulture));
            t.AddRow([.. cells]);
        }
        if (board.Count > shown) t.Caption($"… {board.Count - shown} more candidates");
        return t;
    }

    private static string PlanLine(SearchResult r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.Leaderboard.Count} candidates, rungs {string.Join(" → ", r.Plan.Rungs.Select(g => $"{g.Candidates}×{g.Epochs:0.#}"))} (candidates × epochs; later rungs re-planned between rungs), " +
        $"{r.Plan.Folds} folds, {r.Plan.Workers} workers; {r.Seconds:0.0} s (planned {r.PredictedSeconds:0.0} s, cost {(r.Plan.CostMeasured ? "measured" : "given")}: --cost {r.Plan.Cost})");

    private static JsonNode Json(CandidateResult c) => new JsonObject
    {
        ["id"] = c.Id,
        ["hidden"] = new JsonArray([.. c.Config.Hidden.Select(h => (JsonNode)h)]),
        ["activation"] = c.Config.Activation.ToString().ToLowerInvariant(),
        ["dropout"] = c.Config.Dropout,
        ["optimizer"] = c.Config.Optimizer.ToString().ToLowerInvariant(),
        ["learningRate"] = c.Config.LearningRate,
        ["l2"] = c.Config.L2,
        ["batchSize"] = c.Config.BatchSize,
        ["diverged"] = c.Diverged,
        ["scores"] = new JsonArray([.. c.Scores.Select(s => (JsonNode)new JsonObject
        {
            ["rung"] = s.Rung, ["epochs"] = s.Epochs,
            ["loss"] = double.IsFinite(s.Loss) ? s.Loss : null,
            ["accuracy"] = double.IsNaN(s.Accuracy) ? null : s.Accuracy,
            ["rmse"] = double.IsFinite(s.Rmse) ? s.Rmse : null,
        })]),
    };

    // NAME.csv: one row per candidate and rung; NAME.png: the ladder, the chosen members in colour.
    private static void WriteReport(string name, SearchResult r)
    {
        var sb = new StringBuilder("id,hidden,activation,dropout,optimizer,learning_rate,l2,batch_size,rung,epochs,cv_loss,cv_accuracy,cv_rmse,diverged,chosen\n");
        var chosen = r.Model.Members.Select(m => m.Id).ToHashSet();
        foreach (var c in r.Leaderboard.OrderBy(c => c.Id))
            foreach (var s in c.Scores)
                sb.Append(string.Create(CultureInfo.InvariantCulture,
                    $"{c.Id},{string.Join('-', c.Config.Hidden)},{c.Config.Activation.ToString().ToLowerInvariant()},{c.Config.Dropout:0.###},{c.Config.Optimizer.ToString().ToLowerInvariant()},{c.Config.LearningRate:G4},{c.Config.L2:G4},{c.Config.BatchSize},{s.Rung + 1},{s.Epochs:0.###},{s.Loss:G6},{s.Accuracy:G6},{s.Rmse:G6},{(c.Diverged ? 1 : 0)},{(chosen.Contains(c.Id) ? 1 : 0)}\n"));
        bool cls = r.Task == SearchTask.Classification;
        Curve Line(CandidateResult c, string label) => new(label, [.. c.Scores.Select(s => s.Epochs)], [.. c.Scores.Select(s => c.Diverged ? double.NaN : cls ? s.Accuracy : s.Rmse)]);
        var grey = r.Leaderboard.Where(c => !chosen.Contains(c.Id)).Select(c => Line(c, "")).ToList();
        var coloured = r.Leaderboard.Where(c => chosen.Contains(c.Id)).Select(c => Line(c, $"#{c.Id} {c.Config}")).ToList();
        AtomicFile.WriteText(name + ".csv", sb.ToString());
        Charts.SearchLadder(name + ".png", $"{r.Leaderboard.Count} candidates, {r.Plan.Folds}-fold CV, {r.Seconds:0} s", grey, coloured,
            cls ? "cross-validated accuracy" : "cross-validated RMSE");
    }
}
