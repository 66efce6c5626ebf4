namespace Theta.Cli.Commands;

/// <summary><c>theta activations --model M --data DIR --index N --out F.png</c>: one MNIST test image through every layer, one row of the picture per layer.</summary>
internal static class ActivationsCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A network model file for MNIST (theta train mnist --out).", Required = true };
        var data = new Option<string>("--data") { Description = "The MNIST folder (theta data mnist --out DIR).", Required = true };
        var index = new Option<int>("--index") { Description = "Which test image (0–9999).", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "The picture to write (.png).", Required = true };
        var cmd = new Command("activations", "Draw what every layer computes for one MNIST test image: the input on top, then each layer's output.")
        {
            model, data, index, output,
        };
        cmd.SetAction(p =>
        {
            var (path, net, shape) = NetworkPictures.Open(p, model, output);
            var (image, label) = NetworkPictures.MnistTestImage(p.GetValue(data)!, p.GetValue(index));
            if (image.Size != shape.Aggregate(1, (a, b) => a * b))
                throw new ArgumentException($"{p.GetValue(model)}: the network takes inputs of shape [{string.Join(", ", shape)}], not MNIST images [1, 28, 28]");
            var x = image.Reshape([1, .. shape]);
            var layers = Activations.Run(net, x);
            var img = NetworkPictures.ActivationSheet(x, layers, shape);
            img.Save(path);
            var logits = layers[^1].Output.Data;
            Console.WriteLine($"wrote {path} ({img.Width}×{img.Height}): test image {p.GetValue(index)} (label {label}, predicted {Metrics.ClassificationMetrics.ArgMax(logits)})");
            foreach (var line in NetworkPictures.ActivationLegend(layers, shape)) Console.WriteLine("  " + line);
            return 0;
        });
        return cmd;
    }
}
