namespace Theta.Cli.Commands;

/// <summary>
/// <c>theta explain --model M --data F [--row N] [--param NAME | --all] [--json]</c>: ∂LL/∂θ for one
/// parameter at one row as the product of its chain-rule factors, beside autodiff and central
/// differences; <c>--all</c> tabulates every parameter.
/// </summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var modelPath = new Option<string>("--model") { Description = "A model file (mlp or logistic from theta train, or a network file).", Required = true };
        var dataPath = new Option<string>("--data") { Description = "Labelled data (CSV) with the model's columns.", Required = true };
        var row = new Option<int>("--row") { Description = "The data row, counting from 1.", DefaultValueFactory = _ => 1 };
        var param = new Option<string?>("--param") { Description = "The parameter, e.g. 0.weight[3,5] (hidden unit 3, input 5) or 2.bias[0]. Default: the first hidden unit's weight from the first non-zero input." };
        var all = new Option<bool>("--all") { Description = "A table of every parameter: the product of factors, autodiff, central differences." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var cmd = new Command("explain", "Follow the chain rule to one parameter: ∂LL/∂θ as a product of factors, with autodiff and finite differences beside it.")
            { modelPath, dataPath, row, param, all, json };
        cmd.SetAction(p =>
        {
            var model = InspectedModel.Load(p.GetValue(modelPath)!);
            var net = model.RequireNetwork("explain");
            var ds = model.ReadData(p.GetValue(dataPath)!);
            int r = p.GetValue(row);
            if (r < 1 || r > ds.Rows) throw new ArgumentException($"--row {r}: {Path.GetFileName(ds.Source)} has {ds.Rows} rows (1 to {ds.Rows})");
            var x = model.Inputs(ds).Data.Slice((r - 1) * ds.FeatureCount, ds.FeatureCount).ToArray();
            int label = ds.Labels[r - 1];
            if (p.GetValue(all))
            {
                if (p.GetValue(param) is not null) throw new ArgumentException("--all and --param: give one of them");
                PrintAll(ChainRule.ExplainAll(net, x, label), r, ds.Classes[label], p.GetValue(json));
            }
            else Print(ChainRule.Explain(net, x, label, p.GetValue(param)), r, ds, p.GetValue(json));
            return 0;
        });
        return cmd;
    }

    internal static string G(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
    internal static string E(double v) => double.IsNaN(v) ? "–" : v.ToString("0.0e+00", CultureInfo.InvariantCulture);

    private static void Print(Explanation e, int row, Data.Dataset ds, bool json)
    {
        if (json)
        {
            Console.WriteLine(new JsonObject
            {
                ["row"] = row, ["label"] = ds.Classes[e.Label], ["parameter"] = e.Parameter.ToString(), ["value"] = e.ParameterValue,
                ["probabilities"] = new JsonArray([.. e.Probabilities.Select(v => (JsonNode)v)]), ["logLikelihood"] = e.LogLikelihood,
                ["factors"] = new JsonArray([.. e.Factors.Select(f => (JsonNode)FactorJson(f))]),
                ["shortcut"] = FactorJson(e.Simplified),
                ["product"] = e.Product, ["autodiff"] = e.Autodiff, ["finiteDifference"] = e.FiniteDifference, ["epsilon"] = e.Epsilon,
                ["maxRelativeError"] = e.MaxRelativeError,
            }.ToJsonString());
            return;
        }
        var p = e.Parameter;
        string yHat = e.Link == OutputLink.Sigmoid ? $"ŷ = P(y = 1 | x) = {G(e.Probabilities[1])}" : $"ŷ_y = P(y = {ds.Classes[e.Label]} | x) = {G(e.Probabilities[e.Label])}";
        AnsiConsole.MarkupLine(Markup.Escape($"Row {row} of {Path.GetFileName(ds.Source)}: y = {ds.Classes[e.Label]}; {yHat}; LL = ln P(y | x) = {G(e.LogLikelihood)}"));
        string what = p.IsBias ? $"the bias of unit {p.Unit}" : $"the weight from input {p.Input}{(p.Layer == 0 ? $" (\"{ds.FeatureNames[p.Input]}\")" : "")} into unit {p.Unit}";
        AnsiConsole.MarkupLine(Markup.Escape($"θ = {p} = {G(e.ParameterValue)}: {what} of linear layer {p.Layer + 1}"));
        AnsiConsole.MarkupLine(Markup.Escape("∂LL/∂θ = " + string.Join(" · ", e.Factors.Select(f => f.Name))));
        var t = new Table().Border(TableBorder.Rounded).AddColumn("factor").AddColumn("formula").AddColumn("kind").AddColumn(new TableColumn("value").RightAligned()).AddColumn("product so far");
        foreach (var f in e.Factors)
            t.AddRow(Markup.Escape(f.Name), Markup.Escape(f.Formula), Markup.Escape(Kind(f)), Markup.Escape(Values(f)), Markup.Escape($"{f.ProductName} = {Values(f.ProductSoFar)}"));
        AnsiConsole.Write(t);
        if (e.Factors.Any(f => f.Kind != FactorKind.Scalar))
            AnsiConsole.MarkupLine(Markup.Escape("A vector or matrix factor multiplies the row vector before it: that product is the sum over every path from θ to ŷ (backpropagation's δ)."));
        AnsiConsole.MarkupLine(Markup.Escape($"The course's shortcut for the first two: {e.Simplified.Name} = {e.Simplified.Formula} = {Values(e.Simplified)}"));
        var c = Report.Table(null, ["∂LL/∂θ"], "value", "relative error vs central differences");
        c.AddRow("product of the factors", G(e.Product), E(ChainRule.RelativeError(e.Product, e.FiniteDifference)));
        c.AddRow("autodiff (Backward, float32)", G(e.Autodiff), E(ChainRule.RelativeError(e.Autodiff, e.FiniteDifference)));
        c.AddRow(Markup.Escape($"central differences (double, ε = {G(e.Epsilon)})"), G(e.FiniteDifference), "");
        AnsiConsole.Write(c);
    }

    private static void PrintAll(IReadOnlyList<ParameterGradient> all, int row, string label, bool json)
    {
        var worst = all.MaxBy(g => g.MaxRelativeError)!;
        if (json)
        {
            Console.WriteLine(new JsonObject
            {
                ["row"] = row, ["label"] = label,
                ["parameters"] = new JsonArray([.. all.Select(g => (JsonNode)new JsonObject
                {
                    ["parameter"] = g.Parameter.ToString(), ["value"] = g.Value, ["product"] = g.Product, ["autodiff"] = g.Autodiff,
                    ["finiteDifference"] = g.FiniteDifference, ["maxRelativeError"] = g.MaxRelativeError,
                })]),
                ["worst"] = worst.Parameter.ToString(), ["maxRelativeError"] = worst.MaxRelativeError,
            }.ToJsonString());
            return;
        }
        var t = Report.Table(Markup.Escape($"∂LL/∂θ at row {row} (y = {label})"), ["parameter"], "θ", "product of factors", "autodiff", "central differences", "relative error");
        foreach (var g in all)
            t.AddRow(Markup.Escape(g.Parameter.ToString()), G(g.Value), G(g.Product), G(g.Autodiff), G(g.FiniteDifference), E(g.MaxRelativeError));
        AnsiConsole.Write(t);
        AnsiConsole.MarkupLine(Markup.Escape($"{all.Count} parameters; the largest relative error is {E(worst.MaxRelativeError)} ({worst.Parameter})"));
    }

    private static string Kind(Factor f) => f.Kind switch
    {
        FactorKind.Scalar => "number",
        FactorKind.Vector => $"vector [{f.Shape[0]}]",
        _ => $"matrix [{f.Shape[0]}, {f.Shape[1]}]",
    };

    private static string Values(Factor f) => f.Kind == FactorKind.Matrix ? $"({f.Values.Length} entries)" : Values(f.Values);

    private static string Values(double[] v) => v.Length == 1 ? G(v[0])
        : "[" + string.Join(", ", v.Take(6).Select(G)) + (v.Length > 6 ? $", … {v.Length - 6} more" : "") + "]";

    private static JsonObject FactorJson(Factor f) => new()
    {
        ["name"] = f.Name, ["formula"] = f.Formula, ["kind"] = f.Kind.ToString().ToLowerInvariant(),
        ["shape"] = new JsonArray([.. f.Shape.Select(d => (JsonNode)d)]),
        ["values"] = new JsonArray([.. f.Values.Select(v => (JsonNode)v)]),
        ["productName"] = f.ProductName, ["productSoFar"] = new JsonArray([.. f.ProductSoFar.Select(v => (JsonNode)v)]),
    };
}
