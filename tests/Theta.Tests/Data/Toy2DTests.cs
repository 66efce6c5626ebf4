using Theta.Data;

namespace Theta.Tests.Data;

public sealed class Toy2DTests
{
    [Theory]
    [InlineData(Toy2DKind.Circle, 2)]
    [InlineData(Toy2DKind.Xor, 2)]
    [InlineData(Toy2DKind.Gaussians, 2)]
    [InlineData(Toy2DKind.Spiral, 2)]
    [InlineData(Toy2DKind.Gaussians3, 3)]
    [InlineData(Toy2DKind.Spiral3, 3)]
    public void Generators_are_seeded_sized_and_in_range(Toy2DKind kind, int classes)
    {
        var a = Toy2D.Generate(kind, 300, 0.2f, new Rng(7));
        var b = Toy2D.Generate(kind, 300, 0.2f, new Rng(7));
        Assert.Equal(a, b);
        Assert.Equal(300, a.Length);
        Assert.Equal(classes, Toy2D.Classes(kind));
        Assert.All(a, p => Assert.InRange(p.Label, 0, classes - 1));
        Assert.All(a, p => Assert.True(Math.Abs(p.X1) < 10 && Math.Abs(p.X2) < 10));
        if (kind != Toy2DKind.Xor)
            for (int c = 0; c < classes; c++) Assert.InRange(a.Count(p => p.Label == c), 300 / classes - 1, 300 / classes + 1);
        else Assert.InRange(a.Count(p => p.Label == 1), 100, 200);
    }

    [Fact]
    public void Circle_without_noise_is_separable_by_radius()
    {
        var pts = Toy2D.Generate(Toy2DKind.Circle, 200, 0, new Rng(1));
        Assert.All(pts, p => Assert.Equal(p.Label == 1, p.X1 * p.X1 + p.X2 * p.X2 < 9));
    }

    [Fact]
    public void Split_keeps_the_ratio_in_every_class()
    {
        var pts = Toy2D.Generate(Toy2DKind.Spiral3, 300, 0, new Rng(3));
        var (train, test) = Toy2D.Split(pts, 0.7, new Rng(4));
        Assert.Equal(300, train.Length + test.Length);
        Assert.Equal(210, train.Length);
        for (int c = 0; c < 3; c++) Assert.Equal(70, train.Count(p => p.Label == c));
    }

    [Fact]
    public void Features_follow_the_enum_order()
    {
        var row = new float[7];
        Toy2D.Features(2, 3, (Feature2D)127, row);
        Assert.Equal([2f, 3f, 4f, 9f, 6f, MathF.Sin(2), MathF.Sin(3)], row);
        Assert.Equal(2, Toy2D.FeatureCount(Feature2D.X1 | Feature2D.X1X2));
        Assert.Equal([4f, 6f, 1f, 1.5f], Toy2D.FeatureMatrix([new(2, 3, 0), new(1, 1.5f, 1)], Feature2D.X1Squared | Feature2D.X1X2));
    }

    [Fact]
    public void Csv_points_skip_a_header_and_name_the_bad_line()
    {
        var pts = Toy2D.ParseCsv("x1,x2,label\n1,2,0\n-1;-2;1\n\n3\t4\t2\n0.5,0.5,0\n", maxRows: 10);
        Assert.Equal([new Point2D(1, 2, 0), new Point2D(-1, -2, 1), new Point2D(3, 4, 2), new Point2D(0.5f, 0.5f, 0)], pts);
        Assert.Equal("csv line 3: label must be 0, 1 or 2", Assert.Throws<ArgumentException>(() => Toy2D.ParseCsv("1,1,0\n2,2,1\n3,3,5\n4,4,0", 10)).Message);
        Assert.Equal("csv line 2: \"a,b,c\" is not x1,x2,label", Assert.Throws<ArgumentException>(() => Toy2D.ParseCsv("1,1,0\na,b,c", 10)).Message);
        Assert.Equal("csv: at most 4 points", Assert.Throws<ArgumentException>(() => Toy2D.ParseCsv("1,1,0\n2,2,1\n3,3,0\n4,4,1\n5,5,0", 4)).Message);
        Assert.Equal("csv: at least 4 points", Assert.Throws<ArgumentException>(() => Toy2D.ParseCsv("1,1,0\n2,2,1", 10)).Message);
    }
}
