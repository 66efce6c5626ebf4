namespace Theta.Cli.Commands;

/// <summary>
/// <c>theta export --model M.theta --out M.onnx [--opset 17]</c>: any Theta model file as an ONNX model that
/// ONNX Runtime (or any other ONNX engine) runs. Tabular models take the raw CSV row and give probabilities;
/// network files take their input shape and give their last layer's output. Written atomically.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var modelPath = new Option<string>("--model") { Description = "A Theta model file: theta train (CSV or mnist), theta search, a critter's brain.", Required = true };
        var output = new Option<string>("--out") { Description = "The .onnx file to write.", Required = true };
        var opset = new Option<int>("--opset") { Description = "The ONNX opset to write (13–21).", DefaultValueFactory = _ => OnnxFile.DefaultOpset };
        var cmd = new Command("export", "Export a model to ONNX, to run it anywhere (ONNX Runtime, browsers, phones, other languages).") { modelPath, output, opset };
        cmd.SetAction(p =>
        {
            string kind = OnnxFile.Export(p.GetValue(modelPath)!, p.GetValue(output)!, p.GetValue(opset));
            Console.WriteLine($"theta export: wrote {p.GetValue(output)} ({kind} model, ONNX opset {p.GetValue(opset)})");
            return 0;
        });
        return cmd;
    }
}
