using System.Numerics.Tensors;
using Theta.Nn;

namespace Theta.Cli.Commands;

/// <summary>What the picture verbs share: loading a network model file with its input shape, and pictures of weights and activations.</summary>
internal static class NetworkPictures
{
    /// <summary>A picture verb's start: its <c>--out</c> checked (a .png that can be written), then the network of <c>--model</c> with its input shape.</summary>
    public static (string Out, Sequential Network, int[] InputShape) Open(ParseResult p, Option<string> model, Option<string> output)
    {
        string path = p.GetValue(output)!;
        Pictures.RequirePng(path);
        OutputPaths.Check(("--out", path));
        var (net, shape, _) = Load(p.GetValue(model)!);
        return (path, net, shape);
    }

    /// <summary>The network in <paramref name="path"/> and the shape of one input (stored in the file; a Linear first layer's width otherwise).</summary>
    public static (Sequential Network, int[] InputShape, NetworkMetadata Metadata) Load(string path)
    {
        var m = NetworkFile.Read(path);
        var shape = m.Metadata.InputShape
            ?? m.Network.Layers.OfType<Linear>().Select(l => new[] { l.InFeatures }).FirstOrDefault()
            ?? throw new ModelFormatException($"{path}: the file does not say the network's input shape (saved without it); train it with theta train mnist");
        return (m.Network, shape, m.Metadata);
    }

    /// <summary>
    /// The first layer with weights as tiles: a Linear [H, D] as H tiles of the input's picture (28×28 for
    /// MNIST), a Conv2d [O, C, k, k] as O·C tiles of k×k. Shared blue–white–red scale (0 = white).
    /// </summary>
    public static RasterImage Filters(Sequential network, int[] inputShape, string path)
    {
        var layer = network.Layers.FirstOrDefault(l => l is Linear or Conv2d)
            ?? throw new ArgumentException($"{path}: the network has no Linear or Conv2d layer, so no weights to draw");
        var (w, tiles, h, wd) = layer switch
        {
            Conv2d c => (c.Weight, c.OutChannels * c.InChannels, c.Kernel, c.Kernel),
            Linear l => (l.Weight, l.OutFeatures, TileSide(inputShape, l.InFeatures).H, TileSide(inputShape, l.InFeatures).W),
            _ => throw new InvalidOperationException(),
        };
        var data = w.ToArray();
        int per = h * wd;
        var list = Enumerable.Range(0, tiles).Select(i => data[(i * per)..((i + 1) * per)]).ToList();
        return ImageGrid.Render(list, h, wd, Palette.Diverging, sharedScale: false, zoom: ImageGrid.ZoomFor(Math.Max(h, wd), h <= 8 ? 48 : 84), columns: TileColumns(tiles));
    }

    /// <summary>
    /// Every layer's output for one input, top to bottom: the input (grey), then each layer: [1, C, H, W] as C
    /// tiles of H×W, [1, F] as a block of F cells (a square when F is one, such as 784; 16 wide up to 256; else about 4:1). Blue–white–red, one scale per layer.
    /// </summary>
    public static RasterImage ActivationSheet(Tensor input, IReadOnlyList<LayerActivation> layers, int[] inputShape)
    {
        var (ih, iw) = TileSide(inputShape, input.Size);
        var parts = new List<RasterImage> { ImageGrid.Render([input.ToArray()], ih, iw, Palette.Grey, false, ImageGrid.ZoomFor(Math.Max(ih, iw))) };
        foreach (var a in layers)
        {
            var y = a.Output;
            if (y.Rank == 4)
            {
                int C = y.Shape[1], H = y.Shape[2], W = y.Shape[3];
                var all = y.ToArray();
                var tiles = Enumerable.Range(0, C).Select(c => all[(c * H * W)..((c + 1) * H * W)]).ToList();
                parts.Add(ImageGrid.Render(tiles, H, W, Palette.Diverging, true, ImageGrid.ZoomFor(Math.Max(H, W), 56), columns: Math.Min(C, 20)));
            }
            else
            {
                int F = y.Size;
                var (h, w) = TileSide([F], F);
                if (h == 1 && F > 64)
                {
                    w = F <= 256 && F % 16 == 0 ? 16 : (int)Math.Ceiling(Math.Sqrt(4.0 * F)); // a block about four times as wide as tall
                    h = (F + w - 1) / w; // the last row is padded with zeros (white)
                }
                var v = new float[h * w];
                y.Data.CopyTo(v);
                int zoom = h == w ? ImageGrid.ZoomFor(w) : Math.Max(4, Math.Min(24, 448 / w));
                parts.Add(ImageGrid.Render([v], h, w, Palette.Diverging, true, zoom));
            }
        }
        return ImageGrid.Stack(parts);
    }

    /// <summary>One line per picture row of <see cref="ActivationSheet"/>: what it shows.</summary>
    public static IEnumerable<string> ActivationLegend(IReadOnlyList<LayerActivation> layers, int[] inputShape)
    {
        yield return $"row 1: the input [{string.Join(", ", inputShape)}]";
        foreach (var a in layers)
            yield return $"row {a.Index + 2}: layer {a.Index} {a.Layer} {a.Output.Shape}, min {TensorPrimitives.Min(a.Output.Data):G3}, max {TensorPrimitives.Max(a.Output.Data):G3}";
    }

    /// <summary>Loads MNIST test image <paramref name="index"/> (shape [1, 1, 28, 28]) and its label.</summary>
    public static (Tensor Image, int Label) MnistTestImage(string dir, int index)
    {
        var test = Mnist.LoadSplit(dir, "t10k");
        if (index < 0 || index >= test.Count) throw new ArgumentException($"--index {index} is out of range: the test set has images 0–{test.Count - 1}");
        return (test.Images.SelectRows([index]), test.Labels[index]);
    }

    // An input of shape [C, H, W] or [H, W] → H×W; a flat input of n = s² values → s×s; otherwise a 1×n strip.
    private static (int H, int W) TileSide(int[] shape, int size)
    {
        if (shape.Length >= 2 && shape[^1] * shape[^2] == size) return (shape[^2], shape[^1]);
        int s = (int)Math.Round(Math.Sqrt(size));
        return s * s == size ? (s, s) : (1, size);
    }

    private static int TileColumns(int tiles) => tiles <= 16 ? tiles : tiles <= 64 ? 8 : 16;
}
