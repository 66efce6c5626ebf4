using ScottPlot;
using Theta.Io;

namespace Theta.Plots;

/// <summary>One series of a training-curve chart: its name, the x values (epochs) and y values; NaN leaves a gap.</summary>
public sealed record Curve(string Name, double[] X, double[] Y);

/// <summary>
/// Charts drawn with ScottPlot: training curves (loss and accuracy against epochs) and a confusion-matrix
/// heatmap. A file name ending in .svg gives SVG, .png a PNG; every write is atomic.
/// </summary>
public static class Charts
{
    /// <summary>
    /// Loss (left panel) and accuracy (right panel) against the epoch, one line per series (train, test), with a
    /// legend below each panel and labelled axes; both panels share the x range. <paramref name="accuracy"/> may be empty.
    /// </summary>
    public static void TrainingCurves(string path, string title, IReadOnlyList<Curve> loss, IReadOnlyList<Curve> accuracy,
        string lossLabel = "loss (cross-entropy)", string xLabel = "epoch", string accuracyLabel = "accuracy")
    {
        bool svg = Pictures.IsSvg(path);
        var xs = loss.Concat(accuracy).SelectMany(c => c.X).DefaultIfEmpty(0).ToArray();
        var xRange = (xs.Min(), xs.Max());
        var panels = new List<Plot> { Panel($"{title}: {lossLabel}", xLabel, lossLabel, loss, xRange) };
        if (accuracy.Count > 0) panels.Add(Panel($"{title}: {accuracyLabel}", xLabel, accuracyLabel, accuracy, xRange));
        const int W = 560, H = 440;
        if (svg)
        {
            // Side by side: each panel's SVG as a nested <svg> at its x offset.
            var body = string.Concat(panels.Select((p, i) => Nest(p.GetSvgXml(W, H), i * W)));
            AtomicFile.WriteText(path, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W * panels.Count}\" height=\"{H}\">{body}</svg>");
            return;
        }
        var images = panels.Select(p => Decode(p.GetImage(W, H))).ToList();
        var sheet = new RasterImage(W * panels.Count, H);
        for (int i = 0; i < images.Count; i++) sheet.Paste(images[i], i * W, 0);
        Png.Save(path, sheet.Pixels, sheet.Width, sheet.Height, 3);
    }

    /// <summary>
    /// The confusion matrix (rows = true class, columns = predicted) as a heatmap, darker for more rows,
    /// each cell's count written in it, class names on both axes.
    /// </summary>
    public static void ConfusionMatrix(string path, int[,] confusion, IReadOnlyList<string> classes, string title)
    {
        bool svg = Pictures.IsSvg(path);
        int C = classes.Count;
        if (confusion.GetLength(0) != C || confusion.GetLength(1) != C)
            throw new ArgumentException($"ConfusionMatrix: a {confusion.GetLength(0)}×{confusion.GetLength(1)} matrix for {C} classes");
        var plt = new Plot();
        var values = new double[C, C];
        int max = 1;
        for (int r = 0; r < C; r++) for (int c = 0; c < C; c++) { values[r, c] = confusion[r, c]; max = Math.Max(max, confusion[r, c]); }
        var hm = plt.Add.Heatmap(values);
        // NOTE: a heatmap's cells are centred on integer coordinates, its first row at the top: with the y axis
        // inverted (row 0 at the top, as a matrix is read) the texts at (column, row) fall in their cells.
        // The colormap is reversed so that 0 is light.
        hm.Colormap = new ScottPlot.Colormaps.Blues().Reversed();
        float font = C <= 10 ? 14 : C <= 20 ? 10 : 7;
        for (int r = 0; r < C; r++)
            for (int c = 0; c < C; c++)
            {
                var t = plt.Add.Text(confusion[r, c].ToString(System.Globalization.CultureInfo.InvariantCulture), c, r);
                t.LabelFontSize = font;
                t.LabelAlignment = Alignment.MiddleCenter;
                t.LabelFontColor = confusion[r, c] > max / 2 ? Colors.White : Colors.Black;
            }
        var ticks = Enumerable.Range(0, C).Select(i => (double)i).ToArray();
        var names = classes.Select(n => n.Length > 12 ? n[..11] + "…" : n).ToArray();
        plt.Axes.Bottom.SetTicks(ticks, names);
        plt.Axes.Left.SetTicks(ticks, names);
        plt.Axes.SetLimits(-0.5, C - 0.5, C - 0.5, -0.5);
        plt.XLabel("predicted class");
        plt.YLabel("true class");
        plt.Title(title);
        plt.Add.ColorBar(hm);
        int size = Math.Max(520, 60 + 48 * C);
        Save(plt, path, svg, size + 120, size);
    }

    /// <summary>
    /// What a search tried: every candidate as a grey line through its cross-validated scores rung by rung (x = epochs
    /// trained, on a log scale), the chosen ones in colour with their names in the legend.
    /// </summary>
    public static void SearchLadder(string path, string title, IReadOnlyList<Curve> candidates, IReadOnlyList<Curve> chosen, string yLabel)
    {
        bool svg = Pictures.IsSvg(path);
        var plt = new Plot();
        static double[] Log(double[] x) => [.. x.Select(v => Math.Log10(Math.Max(v, 1e-3)))];
        foreach (var c in candidates)
        {
            var s = plt.Add.Scatter(Log(c.X), c.Y);
            s.Color = Colors.Gray.WithAlpha(0.35);
            s.LineWidth = 1;
            s.MarkerSize = 3;
        }
        var palette = new[] { Colors.C0, Colors.C1, Colors.C2, Colors.C3, Colors.C4 };
        for (int i = 0; i < chosen.Count; i++)
        {
            var s = plt.Add.Scatter(Log(chosen[i].X), chosen[i].Y);
            s.LegendText = chosen[i].Name;
            s.Color = palette[i % palette.Length];
            s.LineWidth = 2.5f;
            s.MarkerSize = 7;
        }
        var all = candidates.Concat(chosen).SelectMany(c => c.X).DefaultIfEmpty(1).ToArray();
        int lo = (int)Math.Floor(Math.Log10(Math.Max(all.Min(), 1e-3))), hi = (int)Math.Ceiling(Math.Log10(Math.Max(all.Max(), 1e-3)));
        if (hi == lo) hi++;
        var ticks = Enumerable.Range(lo, hi - lo + 1).Select(e => (double)e).ToArray();
        plt.Axes.Bottom.SetTicks(ticks, [.. ticks.Select(e => Math.Pow(10, e).ToString("G3", System.Globalization.CultureInfo.InvariantCulture))]);
        plt.Title(title);
        plt.XLabel("epochs trained (log scale)");
        plt.YLabel(yLabel);
        if (chosen.Count > 0) plt.ShowLegend(Edge.Bottom);
        Save(plt, path, svg, 900, 620);
    }

    private static Plot Panel(string title, string xLabel, string yLabel, IReadOnlyList<Curve> curves, (double Min, double Max) xRange)
    {
        double pad = Math.Max(0.5, (xRange.Max - xRange.Min) * 0.03);
        var plt = new Plot();
        var palette = new[] { Colors.C0, Colors.C1, Colors.C2, Colors.C3 };
        for (int i = 0; i < curves.Count; i++)
        {
            var s = plt.Add.Scatter(curves[i].X, curves[i].Y);
            s.LegendText = curves[i].Name;
            s.Color = palette[i % palette.Length];
            s.LineWidth = 2;
            s.MarkerSize = curves[i].X.Length <= 30 ? 6 : 0;
        }
        plt.Title(title);
        plt.XLabel(xLabel);
        plt.YLabel(yLabel);
        plt.ShowLegend(Edge.Bottom); // outside the axes, so it never hides a point
        plt.Axes.SetLimitsX(xRange.Min - pad, xRange.Max + pad);
        plt.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        return plt;
    }

    private static void Save(Plot plt, string path, bool svg, int width, int height)
    {
        if (svg) AtomicFile.WriteText(path, plt.GetSvgXml(width, height));
        else
        {
            var bytes = plt.GetImage(width, height).GetImageBytes(ImageFormat.Png);
            AtomicFile.Write(path, s => s.Write(bytes));
        }
    }

    // A ScottPlot image as RGB pixels (via its PNG bytes and SkiaSharp's decoder).
    private static RasterImage Decode(ScottPlot.Image image)
    {
        using var bmp = SkiaSharp.SKBitmap.Decode(image.GetImageBytes(ImageFormat.Png));
        var img = new RasterImage(bmp.Width, bmp.Height);
        for (int y = 0; y < bmp.Height; y++)
            for (int x = 0; x < bmp.Width; x++)
            {
                var c = bmp.GetPixel(x, y);
                img.Set(x, y, (c.Red, c.Green, c.Blue));
            }
        return img;
    }

    // An <svg> document placed at x offset dx inside another (the XML declaration dropped).
    private static string Nest(string svg, int dx)
    {
        int start = svg.IndexOf("<svg", StringComparison.Ordinal);
        return $"<g transform=\"translate({dx},0)\">{svg[start..]}</g>";
    }
}
