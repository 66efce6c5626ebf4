namespace Theta.Data;

/// <summary>
/// MNIST-style preprocessing of a hand-drawn digit (LeCun et al.): the bounding box of the ink is
/// scaled, keeping its aspect ratio, so its longer side is 20 pixels (area averaging: each output
/// pixel is the mean of the source area it covers), then placed in a 28×28 image so that its
/// centre of mass, c = Σ p·v / Σ v over pixel centres p, lies at (14, 14) to within half a pixel.
/// Ink is in [0, 1] with 0 = background, as in <see cref="Mnist"/>.
/// </summary>
public static class DigitPreprocessing
{
    /// <summary>The side of the image the network sees.</summary>
    public const int Size = 28;

    /// <summary>The side of the box the digit is scaled into.</summary>
    public const int Box = 20;

    /// <summary>Pixels at or below this ink level count as background for the bounding box.</summary>
    public const float Threshold = 0.05f;

    /// <summary>
    /// Preprocesses a drawing of <paramref name="width"/>×<paramref name="height"/> pixels (row-major,
    /// ink in [0, 1]) into 28×28 = 784 values in [0, 1], row-major.
    /// </summary>
    /// <exception cref="ArgumentException">The sizes do not match, or the drawing has no ink on it.</exception>
    public static float[] Preprocess(ReadOnlySpan<float> pixels, int width, int height)
    {
        if (width <= 0 || height <= 0 || pixels.Length != width * height)
            throw new ArgumentException($"DigitPreprocessing: {pixels.Length} pixels for a {width}×{height} drawing (expected {(long)Math.Max(width, 0) * Math.Max(height, 0)})");
        int x0 = width, y0 = height, x1 = -1, y1 = -1;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                if (pixels[y * width + x] > Threshold)
                {
                    x0 = Math.Min(x0, x); x1 = Math.Max(x1, x);
                    y0 = Math.Min(y0, y); y1 = Math.Max(y1, y);
                }
        if (x1 < 0) throw new ArgumentException("the drawing is empty: draw a digit first");

        // Scale the box [x0, x1] × [y0, y1] so its longer side becomes 20 pixels.
        int bw = x1 - x0 + 1, bh = y1 - y0 + 1;
        double scale = (double)Box / Math.Max(bw, bh);
        int ow = Math.Clamp((int)Math.Round(bw * scale), 1, Box), oh = Math.Clamp((int)Math.Round(bh * scale), 1, Box);
        var wx = AreaWeights(bw, ow);
        var wy = AreaWeights(bh, oh);
        var small = new float[ow * oh];
        var row = new double[ow];
        for (int sy = 0; sy < bh; sy++)
        {
            // Resample one source row horizontally, then add it to the output rows it covers.
            Array.Clear(row);
            for (int sx = 0; sx < bw; sx++)
            {
                float v = pixels[(y0 + sy) * width + x0 + sx];
                if (v == 0) continue;
                foreach (var (o, w) in wx[sx]) row[o] += w * v;
            }
            foreach (var (oy, w) in wy[sy])
                for (int ox = 0; ox < ow; ox++) small[oy * ow + ox] += (float)(w * row[ox]);
        }

        // Centre of mass of the scaled digit (pixel centres at i + 0.5), then an integer shift to (14, 14).
        var (cx, cy) = CentreOfMass(small, ow, oh);
        int dx = (int)Math.Round(Size / 2.0 - cx), dy = (int)Math.Round(Size / 2.0 - cy);
        // NOTE: the shift keeps the whole 20×20 box inside the image (MNIST's digits are never cut off).
        dx = Math.Clamp(dx, 0, Size - ow);
        dy = Math.Clamp(dy, 0, Size - oh);
        var result = new float[Size * Size];
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++)
                result[(y + dy) * Size + x + dx] = Math.Clamp(small[y * ow + x], 0f, 1f);
        return result;
    }

    /// <summary>The centre of mass (x, y) of a 28×28 image, pixel centres at i + 0.5 (for tests and the page).</summary>
    public static (double X, double Y) CentreOfMass(ReadOnlySpan<float> image, int width, int height)
    {
        double mass = 0, mx = 0, my = 0;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double v = image[y * width + x];
                mass += v; mx += (x + 0.5) * v; my += (y + 0.5) * v;
            }
        return mass > 0 ? (mx / mass, my / mass) : (double.NaN, double.NaN);
    }

    // For n source pixels resampled to m: for each source pixel, the output pixels it overlaps and the
    // fraction of that output pixel's area it covers (the weights of one output pixel sum to 1).
    private static List<(int Out, double W)>[] AreaWeights(int n, int m)
    {
        var w = new List<(int, double)>[n];
        double step = (double)n / m; // source pixels per output pixel
        for (int s = 0; s < n; s++)
        {
            w[s] = [];
            double a = s / step, b = (s + 1) / step; // the source pixel in output coordinates
            for (int o = (int)Math.Floor(a); o < m && o < b; o++)
            {
                double overlap = Math.Min(b, o + 1) - Math.Max(a, o);
                if (overlap > 1e-12) w[s].Add((o, overlap));
            }
        }
        return w;
    }
}
