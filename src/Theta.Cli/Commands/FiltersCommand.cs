namespace Theta.Cli.Commands;

/// <summary><c>theta filters --model M --out F.png</c>: the first layer's weights as a grid of pictures (blue negative, red positive).</summary>
internal static class FiltersCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A network model file (theta train mnist --out).", Required = true };
        var output = new Option<string>("--out") { Description = "The picture to write (.png).", Required = true };
        var cmd = new Command("filters", "Draw the first layer's weights: one tile per unit (Linear: a 28×28 picture of its input weights; Conv2d: each k×k kernel).") { model, output };
        cmd.SetAction(p =>
        {
            var (path, net, shape) = NetworkPictures.Open(p, model, output);
            var img = NetworkPictures.Filters(net, shape, p.GetValue(model)!);
            img.Save(path);
            Console.WriteLine($"wrote {path} ({img.Width}×{img.Height}): first-layer weights, blue negative, white 0, red positive (each tile on its own scale)");
            return 0;
        });
        return cmd;
    }
}
