namespace Theta.Cli.Commands;

/// <summary>
/// <c>theta fairness --model M --data F --group COLUMN [--json]</c>: per group its size, accuracy,
/// positive-prediction rate, true- and false-positive rates and calibration; then the demographic-parity,
/// equal-opportunity and equalized-odds differences (fairlearn's definitions) and one sentence.
/// </summary>
internal static class FairnessCommand
{
    public static Command Create()
    {
        var modelPath = new Option<string>("--model") { Description = "A two-class model file written by theta train.", Required = true };
        var dataPath = new Option<string>("--data") { Description = "Labelled data (CSV) with the model's columns and the group column.", Required = true };
        var group = new Option<string>("--group") { Description = "The column whose values are the groups, e.g. Demographic (kept out of the features even if the model dropped it).", Required = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var cmd = new Command("fairness", "Compare how a two-class model treats the groups of a column: rates, calibration and fairness gaps.") { modelPath, dataPath, group, json };
        cmd.SetAction(p =>
        {
            var model = InspectedModel.Load(p.GetValue(modelPath)!);
            var tabular = model.Tabular ?? throw new ArgumentException($"fairness: {model.Path} is a network file; fairness takes a model file from theta train");
            int C = tabular.Classifier.Classes.Count;
            if (C != 2) throw new ArgumentException($"fairness: the model has {C} classes; the fairness measures here are for two classes (a positive and a negative one)");
            var ds = model.ReadData(p.GetValue(dataPath)!, p.GetValue(group)!);
            var prob = tabular.PredictProba(ds);
            var r = Fairness.Compute(Enumerable.Range(0, ds.Rows).Select(i => (double)prob[i, 1]).ToArray(), ds.Labels, ds.Groups!);
            string positive = tabular.Classifier.Classes[1];
            if (p.GetValue(json)) { Console.WriteLine(Json(r, tabular.Classifier.Kind, positive).ToJsonString()); return 0; }

            var t = Report.Table(Markup.Escape($"{tabular.Classifier.Kind} by {p.GetValue(group)} (positive class: {positive}; ŷ = 1 when P > {r.Threshold})"),
                ["group"], "n", "accuracy", "P(ŷ = 1)", "TPR", "FPR", "mean p", "observed");
            foreach (var g in r.Groups)
                t.AddRow(Markup.Escape(g.Group), g.Count.ToString(CultureInfo.InvariantCulture), Report.F(g.Accuracy, "0.000"), Report.F(g.PositiveRate, "0.000"),
                    Report.F(g.TruePositiveRate, "0.000"), Report.F(g.FalsePositiveRate, "0.000"), Report.F(g.MeanPredicted, "0.000"), Report.F(g.ObservedRate, "0.000"));
            t.Caption("TPR = P(ŷ = 1 | y = 1), FPR = P(ŷ = 1 | y = 0); calibration: mean p = P(y = 1 | x) against the observed rate of y = 1 (equal when calibrated)");
            AnsiConsole.Write(t);
            var d = Report.Table(null, ["difference (max − min over groups)"], "value");
            d.AddRow("demographic parity (of P(ŷ = 1))", Report.F(r.DemographicParityDifference, "0.000"));
            d.AddRow("equal opportunity (of the TPR)", Report.F(r.EqualOpportunityDifference, "0.000"));
            d.AddRow("equalized odds (the larger of the TPR and FPR gaps)", Report.F(r.EqualizedOddsDifference, "0.000"));
            d.Caption("fairlearn's definitions; 0 = every group treated alike");
            AnsiConsole.Write(d);
            AnsiConsole.MarkupLine(Markup.Escape(r.Summary));
            return 0;
        });
        return cmd;
    }

    private static JsonNode? N(double v) => double.IsNaN(v) ? null : v;

    private static JsonObject Json(FairnessReport r, string kind, string positive) => new()
    {
        ["model"] = kind, ["positiveClass"] = positive, ["threshold"] = r.Threshold,
        ["groups"] = new JsonArray([.. r.Groups.Select(g => (JsonNode)new JsonObject
        {
            ["group"] = g.Group, ["n"] = g.Count, ["positives"] = g.Positives, ["accuracy"] = g.Accuracy, ["positiveRate"] = g.PositiveRate,
            ["truePositiveRate"] = N(g.TruePositiveRate), ["falsePositiveRate"] = N(g.FalsePositiveRate),
            ["meanPredicted"] = g.MeanPredicted, ["observedRate"] = g.ObservedRate,
            ["calibration"] = new JsonArray([.. g.Calibration.Select(c => (JsonNode)new JsonObject
                { ["low"] = c.Low, ["high"] = c.High, ["n"] = c.Count, ["meanPredicted"] = c.MeanPredicted, ["observedRate"] = c.ObservedRate })]),
        })]),
        ["demographicParityDifference"] = N(r.DemographicParityDifference),
        ["equalOpportunityDifference"] = N(r.EqualOpportunityDifference),
        ["equalizedOddsDifference"] = N(r.EqualizedOddsDifference),
        ["summary"] = r.Summary,
    };
}
