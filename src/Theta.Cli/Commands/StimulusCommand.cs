namespace Theta.Cli.Commands;

/// <summary>
/// <c>theta stimulus --model M --layer L --unit U --out F.png [--steps N] [--seed S]</c>: the input that excites
/// one unit most (gradient ascent on the input with a norm penalty and jitter), drawn in grey.
/// </summary>
internal static class StimulusCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A network model file (theta train mnist --out).", Required = true };
        var layer = new Option<int>("--layer") { Description = "The layer's index in the network (0 = first; see theta activations for the list).", Required = true };
        var unit = new Option<int>("--unit") { Description = "The unit: an output of a Linear layer, a channel of a Conv2d layer.", Required = true };
        var output = new Option<string>("--out") { Description = "The picture to write (.png).", Required = true };
        var steps = new Option<int>("--steps") { Description = "Gradient-ascent steps.", DefaultValueFactory = _ => 200 };
        var l2 = new Option<float>("--l2") { Description = "The norm penalty λ in a − λ‖x‖².", DefaultValueFactory = _ => 1e-3f };
        var seed = new Option<ulong>("--seed") { Description = "Seeds the starting image and the jitter.", DefaultValueFactory = _ => 1UL };
        var cmd = new Command("stimulus", "Find and draw the best stimulus of a unit: the input that maximises its activation minus λ‖x‖².")
        {
            model, layer, unit, output, steps, l2, seed,
        };
        cmd.SetAction(p =>
        {
            var (path, net, shape) = NetworkPictures.Open(p, model, output);
            int L = p.GetValue(layer), U = p.GetValue(unit);
            Stimulus.CheckUnit(net, L, U, shape);
            var r = Stimulus.Find(net, L, U, shape, new StimulusOptions(Steps: p.GetValue(steps), L2: p.GetValue(l2), Seed: p.GetValue(seed)));
            int h = shape.Length >= 2 ? shape[^2] : (int)Math.Round(Math.Sqrt(r.Image.Size));
            int w = r.Image.Size / h;
            var img = ImageGrid.Render([r.Image.ToArray()], h, w, Palette.Grey, sharedScale: false, zoom: ImageGrid.ZoomFor(Math.Max(h, w), 224));
            img.Save(path);
            Console.WriteLine($"wrote {path} ({img.Width}×{img.Height}): the best stimulus of unit {U} of layer {L} ({net[L].TypeName}); its activation there is {r.Activation:G4}");
            return 0;
        });
        return cmd;
    }
}
