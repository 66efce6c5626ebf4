namespace Theta.Rl;

/// <summary>What an eye sees: nothing within range, a wall, an apple (red) or a poison (green).</summary>
public enum Sensed : sbyte
{
    Nothing = -1,
    Wall = 0,
    Apple = 1,
    Poison = 2,
}

/// <summary>One eye's reading: the first thing on its ray and how far away it is (the range when nothing).</summary>
public readonly record struct EyeReading(Sensed What, double Distance);

/// <summary>
/// The critter's body, as in ConvNetJS's rldemo: a disc of radius 10 on two wheels with nine eyes.
/// <para>Actions are (left, right) wheel rotations in radians; the body turns by right − left:
/// 0 = [1, 1] straight (4.207 px), 1 = [0.8, 1] and 2 = [1, 0.8] turn ±0.2 rad (3.92 px),
/// 3 = [0.5, 0] and 4 = [0, 0.5] turn ∓0.5 rad (1.24 px).</para>
/// <para>Eye k (k = 0..8) looks (k − 3)·0.25 rad off the heading (−0.75 … +1.25: asymmetric, as in the
/// reference) up to 85 px, and gives three inputs [wall, red, green]: distance/85 in the slot of the
/// first thing it sees and 1.0 in the others (all 1.0 when it sees nothing).</para>
/// </summary>
public sealed class Critter
{
    public const double Radius = 10, EyeRange = 85, EyeSpacing = 0.25;
    public const int Eyes = 9, InputsPerEye = 3, Inputs = Eyes * InputsPerEye, ActionCount = 5;

    /// <summary>The wheel rotations (left, right) of each action.</summary>
    public static IReadOnlyList<(double Left, double Right)> Actions { get; } =
        [(1, 1), (0.8, 1), (1, 0.8), (0.5, 0), (0, 0.5)];

    /// <summary>The straight-ahead action, the only one that earns the forward bonus.</summary>
    public const int Straight = 0;

    private readonly EyeReading[] _eyes = new EyeReading[Eyes];

    public Critter(Vec2 position, double angle = 0)
    {
        Position = position;
        Angle = angle;
        _eyes.AsSpan().Fill(new EyeReading(Sensed.Nothing, EyeRange));
    }

    /// <summary>The centre of the body.</summary>
    public Vec2 Position { get; internal set; }

    /// <summary>The heading θ in [0, 2π] (as the reference wraps it); the body looks along (sin θ, cos θ).</summary>
    public double Angle { get; internal set; }

    /// <summary>The nine eyes' readings from the last <see cref="World.Sense"/>.</summary>
    public ReadOnlySpan<EyeReading> EyeReadings => _eyes;

    internal Span<EyeReading> EyesForWriting => _eyes;

    /// <summary>Eye <paramref name="k"/>'s direction off the heading, (k − 3)·0.25 rad.</summary>
    public static double EyeAngle(int k) => (k - 3) * EyeSpacing;

    /// <summary>
    /// Where the body ends up after wheel rotations (<paramref name="left"/>, <paramref name="right"/>) from
    /// (<paramref name="p"/>, <paramref name="angle"/>), ignoring walls. The wheels sit at p ± v with
    /// v = (0, r/2) rotated by θ + π/2; each wheel turns the body about the other: the new centre is
    /// p + ½(R(−left)·v − R(right)·v) (<see cref="Vec2.Rotate"/>), and θ ← θ − left (+2π when below 0),
    /// then θ ← θ + right (−2π when above 2π).
    /// </summary>
    public static (Vec2 Position, double Angle) Move(Vec2 p, double angle, double left, double right)
    {
        var v = new Vec2(0, Radius / 2).Rotate(angle + Math.PI / 2);
        var np = p + 0.5 * (v.Rotate(-left) - v.Rotate(right));
        angle -= left;
        if (angle < 0) angle += 2 * Math.PI;
        angle += right;
        if (angle > 2 * Math.PI) angle -= 2 * Math.PI;
        return (np, angle);
    }

    /// <summary>
    /// Writes the 27 inputs [wall, red, green] per eye into <paramref name="x"/>: distance/85 in the slot of
    /// what the eye sees, 1.0 elsewhere.
    /// </summary>
    public void WriteInputs(Span<float> x)
    {
        if (x.Length < Inputs) throw new ArgumentException($"Critter.Inputs: {x.Length} slots for {Inputs} inputs");
        x[..Inputs].Fill(1f);
        for (int k = 0; k < Eyes; k++)
            if (_eyes[k].What != Sensed.Nothing) x[k * InputsPerEye + (int)_eyes[k].What] = (float)(_eyes[k].Distance / EyeRange);
    }

    /// <summary>
    /// The proximity reward of the current readings: min(1, 2·mean over eyes of (distance/85 if the eye sees
    /// a wall, else 1)). Near a wall, below 1; in the open, 1.
    /// </summary>
    public double Proximity()
    {
        double sum = 0;
        foreach (var e in _eyes) sum += e.What == Sensed.Wall ? e.Distance / EyeRange : 1.0;
        return Math.Min(1.0, 2 * sum / Eyes);
    }
}
