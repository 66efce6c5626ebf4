namespace Theta.Rl.Tests;

public class GeometryTests
{
    [Theory]
    // p → q crossing a → b: t along p → q
    [InlineData(0, 0, 10, 0, 5, -5, 5, 5, 0.5)]    // a cross at (5, 0)
    [InlineData(0, 0, 10, 10, 0, 10, 10, 0, 0.5)]  // diagonals of a square
    [InlineData(0, 0, 4, 0, 1, -1, 1, 1, 0.25)]
    public void Segments_that_cross_give_t(double px, double py, double qx, double qy, double ax, double ay, double bx, double by, double t)
        => Assert.Equal(t, Geometry.SegmentIntersection(new(px, py), new(qx, qy), new(ax, ay), new(bx, by))!.Value, 12);

    [Theory]
    [InlineData(0, 0, 10, 0, 0, 1, 10, 1)]     // parallel
    [InlineData(0, 0, 10, 0, 12, -5, 12, 5)]   // beyond q
    [InlineData(0, 0, 10, 0, 5, 0.5, 5, 5)]    // the wall stops short of the path
    [InlineData(0, 0, 10, 0, 10, -5, 10, 5)]   // touching q exactly is no crossing (t = 1)
    public void Segments_that_do_not_cross_give_null(double px, double py, double qx, double qy, double ax, double ay, double bx, double by)
        => Assert.Null(Geometry.SegmentIntersection(new(px, py), new(qx, qy), new(ax, ay), new(bx, by)));

    [Fact]
    public void A_ray_meets_a_circle_at_its_near_edge()
    {
        // along +x from the origin, 100 px; a circle of radius 10 at (50, 6): enters at x = 50 − √(100 − 36) = 42
        Assert.Equal(0.42, Geometry.CircleIntersection(new(0, 0), new(100, 0), new(50, 6), 10)!.Value, 12);
        Assert.Null(Geometry.CircleIntersection(new(0, 0), new(100, 0), new(50, 11), 10));   // passes by
        Assert.Null(Geometry.CircleIntersection(new(0, 0), new(100, 0), new(-50, 0), 10));   // behind
        Assert.Null(Geometry.CircleIntersection(new(0, 0), new(100, 0), new(115, 0), 10));   // edge beyond the end
        Assert.Equal(0, Geometry.CircleIntersection(new(0, 0), new(100, 0), new(3, 0), 10)); // starts inside
    }
}
