namespace Theta.Web.Tests;

/// <summary>Synthetic drawings for the tests: white ink on black, as the page sends them.</summary>
internal static class Drawings
{
    /// <summary>A side×side drawing with ink where <paramref name="ink"/>(x, y) holds (pixel centres).</summary>
    public static byte[] Draw(int side, Func<double, double, bool> ink)
    {
        var px = new byte[side * side];
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
                if (ink(x + 0.5, y + 0.5)) px[y * side + x] = 255;
        return px;
    }

    /// <summary>A vertical stroke, as a "1" is drawn.</summary>
    public static byte[] VerticalStroke(int side = 112) => Draw(side, (x, y) => Math.Abs(x - side * 0.5) < side * 0.04 && y > side * 0.12 && y < side * 0.88);

    /// <summary>A ring, as a "0" is drawn (a little taller than wide).</summary>
    public static byte[] Loop(int side = 112)
    {
        double cx = side * 0.5, cy = side * 0.5, rx = side * 0.27, ry = side * 0.36;
        return Draw(side, (x, y) =>
        {
            double r = Math.Sqrt(Math.Pow((x - cx) / rx, 2) + Math.Pow((y - cy) / ry, 2));
            return Math.Abs(r - 1) < 0.13;
        });
    }

    /// <summary>The drawing message [1][u16 w][u16 h][pixels].</summary>
    public static byte[] Message(byte[] pixels, int side = 112)
    {
        var m = new byte[5 + pixels.Length];
        m[0] = 1;
        BitConverter.TryWriteBytes(m.AsSpan(1), (ushort)side);
        BitConverter.TryWriteBytes(m.AsSpan(3), (ushort)side);
        pixels.CopyTo(m, 5);
        return m;
    }
}
