namespace Theta.Cli.Commands;

/// <summary>
/// <c>theta import --model M.onnx --out M.theta</c>: an ONNX network (torch.onnx.export of a Sequential, or
/// Theta's own export) as a Theta file, which every verb reads and <c>theta train</c> can train further.
/// Every verb also reads the .onnx file directly. A graph Theta cannot map: one line naming the node, its
/// op type and the opset, exit 1, nothing written.
/// </summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var modelPath = new Option<string>("--model") { Description = "The .onnx file to read.", Required = true };
        var output = new Option<string>("--out") { Description = "The Theta file to write (a network file, or a model file for Theta's tabular exports).", Required = true };
        var cmd = new Command("import", "Import an ONNX network (e.g. from PyTorch) as a Theta model file.") { modelPath, output };
        cmd.SetAction(p =>
        {
            string what = OnnxFile.Import(p.GetValue(modelPath)!, p.GetValue(output)!);
            Console.WriteLine($"theta import: wrote {p.GetValue(output)}: {what}");
            return 0;
        });
        return cmd;
    }
}
