using Theta.Classic;

namespace Theta.Cli.Commands;

/// <summary>How the verbs print metrics: Spectre tables for people, JSON objects for programs.</summary>
internal static class Report
{
    /// <summary>A name from a data file as a table cell: escaped, at most 40 characters (a 1 MB label must not make the table's layout crawl).</summary>
    public static string Cell(string name) => Markup.Escape(Theta.Io.SafeText.Quote(name, 40));

    /// <summary>A rounded table titled <paramref name="title"/> (markup; null: none): the <paramref name="left"/> columns, then the right-aligned (numeric) ones.</summary>
    public static Table Table(string? title, string[] left, params string[] right)
    {
        var t = new Table().Border(TableBorder.Rounded);
        if (title is not null) t.Title(title);
        foreach (var h in left) t.AddColumn(h);
        foreach (var h in right) t.AddColumn(new TableColumn(h).RightAligned());
        return t;
    }

    public static string F(double v, string format = "0.0000") =>
        double.IsNaN(v) ? "–" : v.ToString(format, CultureInfo.InvariantCulture);

    public static JsonObject Json(ClassificationMetrics m)
    {
        var o = new JsonObject
        {
            ["rows"] = m.Rows,
            ["accuracy"] = m.Accuracy,
            ["logLikelihood"] = m.MeanLogLikelihood,
        };
        if (m.RocAuc is double auc && !double.IsNaN(auc)) o["rocAuc"] = auc;
        o["perClass"] = new JsonArray(m.PerClass.Select(c => (JsonNode)new JsonObject
        {
            ["class"] = c.Class, ["support"] = c.Support, ["precision"] = c.Precision, ["recall"] = c.Recall, ["f1"] = c.F1,
        }).ToArray());
        int C = m.PerClass.Count;
        o["confusion"] = new JsonArray(Enumerable.Range(0, C).Select(i =>
            (JsonNode)new JsonArray(Enumerable.Range(0, C).Select(j => (JsonNode)m.Confusion[i, j]).ToArray())).ToArray());
        return o;
    }

    /// <summary>Accuracy, log-likelihood and AUC of one or more named evaluations, side by side.</summary>
    public static Table Summary(params (string Name, ClassificationMetrics M)[] sets)
    {
        var t = new Table().Border(TableBorder.Rounded).AddColumn("").AddColumns(sets.Select(s => new TableColumn(s.Name).RightAligned()).ToArray());
        t.AddRow(["rows", .. sets.Select(s => s.M.Rows.ToString(CultureInfo.InvariantCulture))]);
        t.AddRow(["accuracy", .. sets.Select(s => F(s.M.Accuracy))]);
        t.AddRow(["mean log-likelihood", .. sets.Select(s => F(s.M.MeanLogLikelihood))]);
        if (sets.All(s => s.M.RocAuc is not null)) t.AddRow(["ROC AUC", .. sets.Select(s => F(s.M.RocAuc!.Value))]);
        return t;
    }

    /// <summary>Per-class precision, recall and F1, and the confusion matrix (rows: true class; columns: predicted).</summary>
    public static Table PerClass(ClassificationMetrics m, string title)
    {
        int C = m.PerClass.Count;
        var t = Table(title, ["true \\ predicted"], [.. m.PerClass.Select(c => Cell(c.Class)), "precision", "recall", "F1", "support"]);
        for (int i = 0; i < C; i++)
        {
            var s = m.PerClass[i];
            t.AddRow([Cell(s.Class), .. Enumerable.Range(0, C).Select(j => m.Confusion[i, j].ToString(CultureInfo.InvariantCulture)),
                F(s.Precision, "0.000"), F(s.Recall, "0.000"), F(s.F1, "0.000"), s.Support.ToString(CultureInfo.InvariantCulture)]);
        }
        return t;
    }

    /// <summary>The fitted parameters a student looks at: naive Bayes tables, logistic-regression θ.</summary>
    public static Table? Parameters(IClassifier model, int maxFeatures = 40)
    {
        var features = model.FeatureNames;
        int shown = Math.Min(features.Count, maxFeatures);
        switch (model)
        {
            case BernoulliNaiveBayes nb:
            {
                var t = Table("P(xᵢ = 1 | y)", ["feature"], [.. nb.Classes.Select(c => $"y = {Cell(c)}")]);
                t.AddRow(["P(y)", .. nb.Priors.Select(p => F(p))]);
                for (int i = 0; i < shown; i++) t.AddRow([Cell(features[i]), .. Enumerable.Range(0, nb.Classes.Count).Select(c => F(nb.ProbOne[c, i]))]);
                t.Caption($"Bernoulli naive Bayes, {(nb.Alpha == 1 ? "Laplace (add-one)" : nb.Alpha == 0 ? "MLE" : $"α = {nb.Alpha}")} estimates"
                    + (shown < features.Count ? $"; {features.Count - shown} more features not shown" : ""));
                return t;
            }
            case GaussianNaiveBayes g:
            {
                var t = Table("μ (σ) per class", ["feature"], [.. g.Classes.Select(c => $"y = {Cell(c)}")]);
                t.AddRow(["P(y)", .. g.Priors.Select(p => F(p))]);
                for (int i = 0; i < shown; i++)
                    t.AddRow([Cell(features[i]), .. Enumerable.Range(0, g.Classes.Count).Select(c => $"{F(g.Mean[c, i], "0.000")} ({F(Math.Sqrt(g.Variance[c, i]), "0.000")})")]);
                t.Caption("Gaussian naive Bayes" + (shown < features.Count ? $"; {features.Count - shown} more features not shown" : ""));
                return t;
            }
            case LogisticRegression lr:
            {
                int K = lr.Bias.Length, d = features.Count;
                var t = Table(K == 1 ? "logistic regression: θ" : "softmax regression: W", ["parameter"], K == 1 ? ["θ"] : [.. lr.Classes.Select(c => $"y = {Cell(c)}")]);
                t.AddRow(["θ₀ (bias)", .. Enumerable.Range(0, K).Select(k => F(lr.Bias[k]))]);
                for (int i = 0; i < shown; i++) t.AddRow([Cell(features[i]), .. Enumerable.Range(0, K).Select(k => F(lr.Weights[k * d + i]))]);
                if (shown < features.Count) t.Caption($"… {features.Count - shown} more features");
                return t;
            }
            default: return null;
        }
    }
}
