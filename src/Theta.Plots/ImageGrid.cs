namespace Theta.Plots;

/// <summary>How values become colours: grey (low = black, high = white) or blue–white–red (negative blue, 0 white, positive red).</summary>
public enum Palette { Grey, Diverging }

/// <summary>An 8-bit RGB picture in memory, row-major, 3 bytes a pixel.</summary>
public sealed class RasterImage
{
    public RasterImage(int width, int height, byte background = 255)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        (Width, Height) = (width, height);
        Pixels = new byte[width * height * 3];
        Array.Fill(Pixels, background);
    }

    public int Width { get; }
    public int Height { get; }
    /// <summary>R, G, B bytes of each pixel, row by row.</summary>
    public byte[] Pixels { get; }

    /// <summary>Sets pixel (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public void Set(int x, int y, (byte R, byte G, byte B) c)
    {
        int i = (y * Width + x) * 3;
        (Pixels[i], Pixels[i + 1], Pixels[i + 2]) = c;
    }

    /// <summary>Copies <paramref name="src"/> with its top-left corner at (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public void Paste(RasterImage src, int x, int y)
    {
        for (int r = 0; r < src.Height; r++)
            src.Pixels.AsSpan(r * src.Width * 3, src.Width * 3).CopyTo(Pixels.AsSpan(((y + r) * Width + x) * 3));
    }

    /// <summary>Writes the picture as a PNG (atomically). Pictures of pixels are PNG only: another extension is an error.</summary>
    /// <exception cref="ArgumentException">The file name does not end in .png.</exception>
    public void Save(string path)
    {
        Pictures.RequirePng(path);
        Png.Save(path, Pixels, Width, Height, 3);
    }
}

/// <summary>
/// Tiles of values laid out in a grid: each tile an h×w array, scaled to colours (per tile min→max, or one
/// scale for all tiles, symmetric ±max|v| for the diverging palette so 0 is white), enlarged by
/// <c>zoom</c> with nearest-neighbour (each value a zoom×zoom block), with a <c>gap</c> of background between tiles.
/// </summary>
public static class ImageGrid
{
    private static readonly (byte, byte, byte) Gap = (90, 90, 90);

    /// <summary>Draws <paramref name="tiles"/> (each <paramref name="h"/>·<paramref name="w"/> values, row-major) in <paramref name="columns"/> columns (0: about square).</summary>
    public static RasterImage Render(IReadOnlyList<float[]> tiles, int h, int w, Palette palette, bool sharedScale, int zoom = 4, int columns = 0, int gap = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tiles.Count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(zoom, 1);
        foreach (var t in tiles)
            if (t.Length != h * w) throw new ArgumentException($"ImageGrid: a tile has {t.Length} values; {h}×{w} = {h * w} expected", nameof(tiles));
        int cols = columns > 0 ? Math.Min(columns, tiles.Count) : (int)Math.Ceiling(Math.Sqrt(tiles.Count));
        int rows = (tiles.Count + cols - 1) / cols;
        int th = h * zoom, tw = w * zoom;
        var img = new RasterImage(cols * tw + (cols + 1) * gap, rows * th + (rows + 1) * gap);
        for (int y = 0; y < img.Height; y++) for (int x = 0; x < img.Width; x++) img.Set(x, y, Gap);

        var (sharedLo, sharedHi) = Range(tiles.SelectMany(t => t), palette);
        for (int k = 0; k < tiles.Count; k++)
        {
            var (lo, hi) = sharedScale ? (sharedLo, sharedHi) : Range(tiles[k], palette);
            int x0 = gap + k % cols * (tw + gap), y0 = gap + k / cols * (th + gap);
            for (int r = 0; r < th; r++)
                for (int c = 0; c < tw; c++)
                    img.Set(x0 + c, y0 + r, Colour(tiles[k][r / zoom * w + c / zoom], lo, hi, palette));
        }
        return img;
    }

    /// <summary>Stacks pictures top to bottom, left-aligned, with <paramref name="gap"/> pixels of white between and around them.</summary>
    public static RasterImage Stack(IReadOnlyList<RasterImage> parts, int gap = 8)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parts.Count, 1);
        var img = new RasterImage(parts.Max(p => p.Width) + 2 * gap, parts.Sum(p => p.Height) + (parts.Count + 1) * gap);
        int y = gap;
        foreach (var p in parts) { img.Paste(p, gap, y); y += p.Height + gap; }
        return img;
    }

    /// <summary>A zoom that makes a tile of side <paramref name="side"/> about <paramref name="target"/> pixels (at least 1).</summary>
    public static int ZoomFor(int side, int target = 112) => Math.Max(1, target / Math.Max(1, side));

    // Grey: [min, max]. Diverging: [−m, m] with m = max |v| (so that 0 is white).
    private static (float Lo, float Hi) Range(IEnumerable<float> values, Palette palette)
    {
        float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
        foreach (var v in values) { if (v < lo) lo = v; if (v > hi) hi = v; }
        if (palette == Palette.Diverging) { float m = Math.Max(Math.Abs(lo), Math.Abs(hi)); return (-m, m); }
        return (lo, hi);
    }

    /// <summary>The colour of <paramref name="v"/> on the scale [<paramref name="lo"/>, <paramref name="hi"/>].</summary>
    public static (byte R, byte G, byte B) Colour(float v, float lo, float hi, Palette palette)
    {
        float t = hi > lo ? Math.Clamp((v - lo) / (hi - lo), 0f, 1f) : 0.5f;
        if (palette == Palette.Grey) { byte g = (byte)Math.Round(255 * t); return (g, g, g); }
        // Blue (59, 76, 192) at t = 0 → white at ½ → red (180, 4, 38) at 1: a linear blend on each side.
        return t < 0.5f ? Blend((59, 76, 192), (255, 255, 255), t * 2) : Blend((255, 255, 255), (180, 4, 38), t * 2 - 1);
    }

    private static (byte, byte, byte) Blend((int R, int G, int B) a, (int R, int G, int B) b, float t) =>
        ((byte)Math.Round(a.R + (b.R - a.R) * t), (byte)Math.Round(a.G + (b.G - a.G) * t), (byte)Math.Round(a.B + (b.B - a.B) * t));
}
