namespace Theta.Data;

/// <summary>The 2-D toy data sets of the playground (after TensorFlow Playground), all on the square [-6, 6]².</summary>
public enum Toy2DKind
{
    /// <summary>Class 1 inside a disc of radius 2, class 0 on a ring of radius 3.5–5.</summary>
    Circle,
    /// <summary>The label is whether x₁ and x₂ have the same sign.</summary>
    Xor,
    /// <summary>Two Gaussian blobs centred at (2, 2) and (−2, −2).</summary>
    Gaussians,
    /// <summary>Two interleaved spiral arms.</summary>
    Spiral,
    /// <summary>Three Gaussian blobs at 120° from each other (three classes).</summary>
    Gaussians3,
    /// <summary>Three interleaved spiral arms (three classes).</summary>
    Spiral3,
    /// <summary>Regression: the target is the plane (x₁ + x₂)/10, in [−1.2, 1.2] (TensorFlow Playground's "plane").</summary>
    RegressPlane,
    /// <summary>Regression: six Gaussian bumps of height ±1 on a 3×2 grid; the target is the tallest bump's value, in [−1, 1] (TF Playground's "multi Gaussian").</summary>
    RegressGaussians,
}

/// <summary>One labelled point of the plane: a class <paramref name="Label"/>, or for the regression sets a real <paramref name="Target"/> (label 0).</summary>
public readonly record struct Point2D(float X1, float X2, int Label, float Target = 0);

/// <summary>The input features the playground can feed to its network.</summary>
[Flags]
public enum Feature2D
{
    /// <summary>No feature.</summary>
    None = 0,
    /// <summary>x₁.</summary>
    X1 = 1,
    /// <summary>x₂.</summary>
    X2 = 2,
    /// <summary>x₁².</summary>
    X1Squared = 4,
    /// <summary>x₂².</summary>
    X2Squared = 8,
    /// <summary>x₁·x₂.</summary>
    X1X2 = 16,
    /// <summary>sin x₁.</summary>
    SinX1 = 32,
    /// <summary>sin x₂.</summary>
    SinX2 = 64,
}

/// <summary>
/// Seeded generators of the playground's 2-D data sets, their train/test split and the feature maps
/// (x₁, x₂, x₁², x₂², x₁x₂, sin x₁, sin x₂). The same seed gives the same points.
/// </summary>
public static class Toy2D
{
    /// <summary>Half the side of the square the points live on.</summary>
    public const float Extent = 6f;

    /// <summary>How many classes a data set has (2, or 3 for the three-class variants; 1 for the regression sets, whose points all have label 0).</summary>
    public static int Classes(Toy2DKind kind) => kind switch
    {
        Toy2DKind.Gaussians3 or Toy2DKind.Spiral3 => 3,
        Toy2DKind.RegressPlane or Toy2DKind.RegressGaussians => 1,
        _ => 2,
    };

    /// <summary>Whether the set's points carry a real target (regression) rather than a class.</summary>
    public static bool IsRegression(Toy2DKind kind) => Classes(kind) == 1;

    // The bumps of RegressGaussians: centre and sign, as in TensorFlow Playground.
    private static readonly (float X, float Y, float Sign)[] Bumps = [(-4, 2.5f, 1), (0, 2.5f, -1), (4, 2.5f, 1), (-4, -2.5f, -1), (0, -2.5f, 1), (4, -2.5f, -1)];

    /// <summary>
    /// The clean target of a regression set at (x₁, x₂): the plane (x₁ + x₂)/10, or for the Gaussians the bump of
    /// largest magnitude, each falling linearly from ±1 at its centre to 0 at distance 2.
    /// </summary>
    public static float RegressionTarget(Toy2DKind kind, float x1, float x2)
    {
        if (kind == Toy2DKind.RegressPlane) return (x1 + x2) / 10;
        if (kind != Toy2DKind.RegressGaussians) throw new ArgumentOutOfRangeException(nameof(kind), kind, "Toy2D.RegressionTarget: not a regression set");
        float best = 0;
        foreach (var (cx, cy, sign) in Bumps)
        {
            float v = sign * Math.Clamp(1 - MathF.Sqrt((x1 - cx) * (x1 - cx) + (x2 - cy) * (x2 - cy)) / 2, 0, 1);
            if (Math.Abs(v) > Math.Abs(best)) best = v;
        }
        return best;
    }

    /// <summary>
    /// <paramref name="n"/> points of <paramref name="kind"/>, classes balanced (within one point), with Gaussian
    /// noise of standard deviation <paramref name="noise"/>·(a set-dependent scale); <paramref name="noise"/> is in [0, 1].
    /// </summary>
    public static Point2D[] Generate(Toy2DKind kind, int n, float noise, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (n < 2 || n > 100_000) throw new ArgumentOutOfRangeException(nameof(n), n, "Toy2D.Generate: 2–100000 points");
        if (!(noise >= 0 && noise <= 1)) throw new ArgumentOutOfRangeException(nameof(noise), noise, "Toy2D.Generate: the noise must be in [0, 1]");
        int k = Classes(kind);
        var pts = new Point2D[n];
        for (int i = 0; i < n; i++)
        {
            int label = i % k;
            pts[i] = kind switch
            {
                Toy2DKind.Circle => CirclePoint(label, noise, rng),
                Toy2DKind.Xor => XorPoint(noise, rng),
                Toy2DKind.Gaussians => Blob(label == 1 ? 2f : -2f, label == 1 ? 2f : -2f, label, 0.5f + 2f * noise, rng),
                Toy2DKind.Gaussians3 => Blob(3f * MathF.Cos(label * 2 * MathF.PI / 3), 3f * MathF.Sin(label * 2 * MathF.PI / 3), label, 0.5f + 2f * noise, rng),
                Toy2DKind.Spiral or Toy2DKind.Spiral3 => SpiralPoint(label, k, i / k, (n + k - 1) / k, noise, rng),
                Toy2DKind.RegressPlane or Toy2DKind.RegressGaussians => RegressionPoint(kind, noise, rng),
                _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Toy2D.Generate: unknown data set"),
            };
        }
        rng.Shuffle(pts.AsSpan());
        return pts;
    }

    /// <summary>
    /// Points from CSV text, one <c>x1,x2,label</c> a line (',', ';' or a tab; a header line is skipped), coordinates in
    /// [−12, 12], labels 0, 1 or 2; from 4 to <paramref name="maxRows"/> points. Bad input: one line naming the CSV line.
    /// </summary>
    public static Point2D[] ParseCsv(string text, int maxRows)
    {
        var pts = new List<Point2D>();
        int line = 0;
        foreach (var raw in text.Split('\n'))
        {
            line++;
            var s = raw.Trim();
            if (s.Length == 0) continue;
            var parts = s.Split(',', ';', '\t');
            if (parts.Length != 3) throw new ArgumentException($"csv line {line}: expected x1,x2,label");
            var inv = System.Globalization.CultureInfo.InvariantCulture;
            if (!float.TryParse(parts[0], inv, out float x1) || !float.TryParse(parts[1], inv, out float x2) || !int.TryParse(parts[2], out int label))
            {
                if (pts.Count == 0 && line == 1) continue; // a header
                throw new ArgumentException($"csv line {line}: \"{s}\" is not x1,x2,label");
            }
            if (!float.IsFinite(x1) || !float.IsFinite(x2) || Math.Abs(x1) > 12 || Math.Abs(x2) > 12) throw new ArgumentException($"csv line {line}: coordinates must be in [-12, 12]");
            if (label < 0 || label > 2) throw new ArgumentException($"csv line {line}: label must be 0, 1 or 2");
            pts.Add(new(x1, x2, label));
            if (pts.Count > maxRows) throw new ArgumentException($"csv: at most {maxRows} points");
        }
        if (pts.Count < 4) throw new ArgumentException("csv: at least 4 points");
        return [.. pts];
    }

    /// <summary>Splits points into train and test, about <paramref name="trainFraction"/> of every class in train (seeded, stratified).</summary>
    public static (Point2D[] Train, Point2D[] Test) Split(Point2D[] points, double trainFraction, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (!(trainFraction > 0 && trainFraction < 1)) throw new ArgumentOutOfRangeException(nameof(trainFraction), trainFraction, "Toy2D.Split: the train fraction must be in (0, 1)");
        var (train, test) = Splits.TrainTest([.. points.Select(p => p.Label)], 1 - trainFraction, rng);
        return ([.. train.Select(i => points[i])], [.. test.Select(i => points[i])]);
    }

    /// <summary>The number of features selected in <paramref name="features"/>.</summary>
    public static int FeatureCount(Feature2D features) => System.Numerics.BitOperations.PopCount((uint)features);

    /// <summary>Writes the selected features of (x₁, x₂), in the enum's order, into <paramref name="row"/>.</summary>
    public static void Features(float x1, float x2, Feature2D features, Span<float> row)
    {
        int j = 0;
        if (features.HasFlag(Feature2D.X1)) row[j++] = x1;
        if (features.HasFlag(Feature2D.X2)) row[j++] = x2;
        if (features.HasFlag(Feature2D.X1Squared)) row[j++] = x1 * x1;
        if (features.HasFlag(Feature2D.X2Squared)) row[j++] = x2 * x2;
        if (features.HasFlag(Feature2D.X1X2)) row[j++] = x1 * x2;
        if (features.HasFlag(Feature2D.SinX1)) row[j++] = MathF.Sin(x1);
        if (features.HasFlag(Feature2D.SinX2)) row[j++] = MathF.Sin(x2);
    }

    /// <summary>The feature matrix [N, F] of the points, row-major.</summary>
    public static float[] FeatureMatrix(ReadOnlySpan<Point2D> points, Feature2D features)
    {
        int f = FeatureCount(features);
        if (f == 0) throw new ArgumentException("Toy2D.FeatureMatrix: select at least one feature", nameof(features));
        var m = new float[points.Length * f];
        for (int i = 0; i < points.Length; i++) Features(points[i].X1, points[i].X2, features, m.AsSpan(i * f, f));
        return m;
    }

    private static Point2D CirclePoint(int label, float noise, Rng rng)
    {
        // NOTE: as in TensorFlow Playground, the label follows the clean radius, so noise blurs the border.
        double r = label == 1 ? rng.NextDouble() * 2.5 : 3.5 + rng.NextDouble() * 1.5;
        double a = rng.NextDouble() * 2 * Math.PI;
        return new((float)(r * Math.Cos(a) + noise * rng.NextNormal()), (float)(r * Math.Sin(a) + noise * rng.NextNormal()), label);
    }

    // NOTE: as in TensorFlow Playground, the point sits at a uniform (x₁, x₂) and its target is read at the point
    // moved by uniform noise of up to noise·6 in each direction, so noise blurs the target, not the positions.
    private static Point2D RegressionPoint(Toy2DKind kind, float noise, Rng rng)
    {
        float x = (float)((rng.NextDouble() * 2 - 1) * Extent), y = (float)((rng.NextDouble() * 2 - 1) * Extent);
        float nx = (float)((rng.NextDouble() * 2 - 1) * Extent * noise), ny = (float)((rng.NextDouble() * 2 - 1) * Extent * noise);
        return new(x, y, 0, RegressionTarget(kind, x + nx, y + ny));
    }

    private static Point2D XorPoint(float noise, Rng rng)
    {
        static double Away(Rng r) { double v = r.NextDouble() * 5 + 0.3; return r.NextDouble() < 0.5 ? -v : v; }
        double x = Away(rng), y = Away(rng);
        int label = x * y > 0 ? 1 : 0;
        return new((float)(x + noise * rng.NextNormal()), (float)(y + noise * rng.NextNormal()), label);
    }

    private static Point2D Blob(float cx, float cy, int label, float sd, Rng rng)
        => new((float)(cx + sd * rng.NextNormal()), (float)(cy + sd * rng.NextNormal()), label);

    private static Point2D SpiralPoint(int label, int k, int j, int perClass, float noise, Rng rng)
    {
        double t = (double)j / perClass;
        double r = 5 * t;
        double a = 1.75 * t * 2 * Math.PI + label * 2 * Math.PI / k;
        return new((float)(r * Math.Sin(a) + noise * rng.NextNormal()), (float)(r * Math.Cos(a) + noise * rng.NextNormal()), label);
    }
}
