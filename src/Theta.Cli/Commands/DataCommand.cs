namespace Theta.Cli.Commands;

/// <summary><c>theta data mnist --out DIR</c>: downloads the four MNIST files and verifies their SHA-256.</summary>
internal static class DataCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "The folder to put the files in (created if needed).", Required = true };
        var mirror = new Option<string[]>("--mirror") { Description = "A mirror URL to try first (the folder holding the four .gz files); may be repeated." };
        var mnist = new Command("mnist", "Download MNIST (four IDX files) from a well-known mirror and verify each file's SHA-256.") { output, mirror };
        mnist.SetAction(async (p, ct) =>
        {
            var mirrors = (p.GetValue(mirror) ?? []).Concat(MnistDownload.Mirrors).ToArray();
            await MnistDownload.DownloadAsync(p.GetValue(output)!, mirrors, log: Console.WriteLine, ct: ct);
            Console.WriteLine($"MNIST is in {p.GetValue(output)}: 60,000 training and 10,000 test images.");
            return 0;
        });
        return new Command("data", "Get public datasets.") { mnist };
    }
}
