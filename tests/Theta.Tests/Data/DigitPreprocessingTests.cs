using Theta.Data;

namespace Theta.Tests.Data;

/// <summary>MNIST-style preprocessing of drawings: the ink's box scaled to 20 pixels on its longer side, centred by mass at (14, 14).</summary>
public sealed class DigitPreprocessingTests
{
    // A w×h drawing with ink (1) in the rectangle [x0, x1) × [y0, y1).
    private static float[] Rect(int w, int h, int x0, int y0, int x1, int y1)
    {
        var p = new float[w * h];
        for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++) p[y * w + x] = 1;
        return p;
    }

    private static (int X0, int Y0, int X1, int Y1) Box(float[] img)
    {
        int x0 = 28, y0 = 28, x1 = -1, y1 = -1;
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
                if (img[y * 28 + x] > DigitPreprocessing.Threshold) { x0 = Math.Min(x0, x); x1 = Math.Max(x1, x); y0 = Math.Min(y0, y); y1 = Math.Max(y1, y); }
        return (x0, y0, x1, y1);
    }

    [Theory]
    [InlineData(100, 100, 10, 10, 90, 90, 20, 20)]     // a square: 20×20
    [InlineData(100, 100, 45, 5, 55, 95, 3, 20)]       // a tall bar 10×90: 20 high, 10·20/90 ≈ 2.2 → 2 wide (+1 for a partial column)
    [InlineData(280, 140, 20, 60, 260, 80, 20, 2)]     // a wide bar 240×20: 20 wide, 20·20/240 ≈ 1.7 → 2 high
    [InlineData(50, 50, 20, 20, 25, 30, 10, 20)]       // a small mark 5×10 is scaled up: 10×20
    public void TheBoxIsScaledTo20OnItsLongerSide(int w, int h, int x0, int y0, int x1, int y1, int maxWidth, int height)
    {
        var img = DigitPreprocessing.Preprocess(Rect(w, h, x0, y0, x1, y1), w, h);
        var b = Box(img);
        Assert.Equal(height, b.Y1 - b.Y0 + 1);
        Assert.InRange(b.X1 - b.X0 + 1, 1, maxWidth);
        Assert.All(img, v => Assert.InRange(v, 0f, 1f));
    }

    [Theory]
    [InlineData(0, 0, 30, 60)]       // ink in the top-left corner
    [InlineData(180, 200, 280, 280)] // ink in the bottom-right corner
    [InlineData(100, 10, 120, 270)]  // a stroke
    public void TheCentreOfMassIsAt14_14WithinAPixel(int x0, int y0, int x1, int y1)
    {
        var img = DigitPreprocessing.Preprocess(Rect(280, 280, x0, y0, x1, y1), 280, 280);
        var (cx, cy) = DigitPreprocessing.CentreOfMass(img, 28, 28);
        Assert.InRange(cx, 13.5, 14.5);
        Assert.InRange(cy, 13.5, 14.5);
    }

    [Fact]
    public void AnLShapeIsCentredByMassNotByBox()
    {
        // An L: a vertical bar and a foot; its mass sits left of and below the box's centre, so the box is shifted right and up.
        var p = new float[100 * 100];
        for (int y = 10; y < 90; y++) for (int x = 10; x < 20; x++) p[y * 100 + x] = 1;
        for (int y = 80; y < 90; y++) for (int x = 10; x < 60; x++) p[y * 100 + x] = 1;
        var img = DigitPreprocessing.Preprocess(p, 100, 100);
        var (cx, cy) = DigitPreprocessing.CentreOfMass(img, 28, 28);
        Assert.InRange(cx, 13.5, 14.5);
        Assert.InRange(cy, 13.5, 14.5);
        var b = Box(img);
        Assert.True(b.X0 + b.X1 + 1 > 28, $"the box's columns [{b.X0}, {b.X1}] should sit right of centre");
        Assert.True(b.Y0 + b.Y1 + 1 < 28, $"the box's rows [{b.Y0}, {b.Y1}] should sit above centre");
    }

    [Fact]
    public void AnEmptyDrawingIsAClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => DigitPreprocessing.Preprocess(new float[112 * 112], 112, 112));
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void AWrongSizeIsAnError()
    {
        var e = Assert.Throws<ArgumentException>(() => DigitPreprocessing.Preprocess(new float[10], 4, 4));
        Assert.Contains("4×4", e.Message);
    }
}
