namespace Theta.Rl;

// The plane geometry of the critter's world: points, wall segments, and the two intersection
// tests the world needs (segment–segment for walls, segment–circle for items). Screen
// coordinates: x to the right, y down; an angle θ points along (sin θ, cos θ).

/// <summary>A point or a displacement in the world, in pixels.</summary>
public readonly record struct Vec2(double X, double Y)
{
    public static Vec2 operator +(Vec2 a, Vec2 b) => new(a.X + b.X, a.Y + b.Y);
    public static Vec2 operator -(Vec2 a, Vec2 b) => new(a.X - b.X, a.Y - b.Y);
    public static Vec2 operator *(double s, Vec2 a) => new(s * a.X, s * a.Y);

    /// <summary>The Euclidean length √(x² + y²).</summary>
    public double Length => Math.Sqrt(X * X + Y * Y);

    /// <summary>The distance to <paramref name="other"/>.</summary>
    public double DistanceTo(Vec2 other) => (this - other).Length;

    /// <summary>The unit vector of angle θ: (sin θ, cos θ) (θ = 0 points down the screen, +y).</summary>
    public static Vec2 Heading(double theta) => new(Math.Sin(theta), Math.Cos(theta));

    /// <summary>
    /// This vector rotated by <paramref name="a"/> radians, as the reference writes it:
    /// (x cos a + y sin a, −x sin a + y cos a) (clockwise on the screen for a &gt; 0).
    /// </summary>
    public Vec2 Rotate(double a)
    {
        double c = Math.Cos(a), s = Math.Sin(a);
        return new(X * c + Y * s, -X * s + Y * c);
    }
}

/// <summary>A wall: the segment from <see cref="A"/> to <see cref="B"/>.</summary>
public readonly record struct Wall(Vec2 A, Vec2 B);

/// <summary>The intersection tests, each returning the parameter t ∈ (0, 1) along the first segment p → q.</summary>
public static class Geometry
{
    /// <summary>
    /// Where segment p → q crosses segment a → b, as t along p → q, or null. Both parameters must lie
    /// strictly inside (0, 1), as in the reference: touching an end point is no crossing, and
    /// parallel segments never cross.
    /// </summary>
    public static double? SegmentIntersection(Vec2 p, Vec2 q, Vec2 a, Vec2 b)
    {
        double dx = q.X - p.X, dy = q.Y - p.Y, ex = b.X - a.X, ey = b.Y - a.Y;
        double denom = ey * dx - ex * dy;
        if (denom == 0) return null;
        double t = (ex * (p.Y - a.Y) - ey * (p.X - a.X)) / denom; // along p → q
        double u = (dx * (p.Y - a.Y) - dy * (p.X - a.X)) / denom; // along a → b
        return t > 0 && t < 1 && u > 0 && u < 1 ? t : null;
    }

    /// <summary>
    /// Where segment p → q first meets the circle of centre <paramref name="c"/> and radius
    /// <paramref name="r"/>, as t along p → q, or null: the smaller root of |p + t(q − p) − c| = r when it
    /// lies in (0, 1); 0 when p is inside the circle. NOTE: the reference instead reports the foot of the
    /// perpendicular from c, mirrored to one side of the ray, up to r off the true point; this is the true one.
    /// </summary>
    public static double? CircleIntersection(Vec2 p, Vec2 q, Vec2 c, double r)
    {
        double dx = q.X - p.X, dy = q.Y - p.Y, fx = p.X - c.X, fy = p.Y - c.Y;
        double a = dx * dx + dy * dy, b = fx * dx + fy * dy, cc = fx * fx + fy * fy - r * r;
        if (a == 0) return null;
        if (cc < 0) return 0; // p inside the circle
        double disc = b * b - a * cc;        // (b/2)² − a·c of the quadratic a t² + 2b t + cc
        if (disc < 0) return null;
        double t = (-b - Math.Sqrt(disc)) / a;
        return t > 0 && t < 1 ? t : null;
    }

    /// <summary>Whether segment p → q crosses any of <paramref name="walls"/>.</summary>
    public static bool CrossesAny(Vec2 p, Vec2 q, ReadOnlySpan<Wall> walls)
    {
        foreach (var w in walls)
            if (SegmentIntersection(p, q, w.A, w.B) is not null) return true;
        return false;
    }
}
