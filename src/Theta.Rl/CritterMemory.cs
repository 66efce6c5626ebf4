namespace Theta.Rl;

/// <summary>
/// The critter's memory (<see cref="DqnOptions.Memory"/>): where it has looked lately and where it saw apples it has not
/// eaten. It keeps only what the critter could: its own position and heading (as an animal integrates its path) and
/// what its nine eyes read; it never reads the world's item list. Its <see cref="Inputs"/> follow the 27 eye inputs:
/// <list type="bullet">
/// <item>8 <b>staleness</b> inputs: the floor is cut into 20-px cells; a cell is looked at when its centre lies in the eyes'
/// fan (−0.75 … +1.25 rad off the heading) no further than the nearest eye's reading (its first wall or item, or 85 px)
/// plus half a cell; its staleness is
/// s = 1 − exp(−Δt/τ), Δt the ticks since (1 when never), τ = <see cref="Tau"/>: the chance that an apple fell there
/// since grows so. Input k is the mean s of the cells within <see cref="Radius"/> px in the sector of directions
/// k·45° ± 22.5° off the heading (k = 0 ahead, counting the way the heading's angle grows), 0 with no cell of the floor there;</item>
/// <item>3 <b>apple</b> inputs for the nearest remembered apple: min(1, d/<see cref="AppleRange"/>), sin and cos of its
/// direction off the heading; (1, 0, 0) with none. An apple is remembered where an eye reads one (the hit point pushed
/// one radius further along the ray) and forgotten when the critter comes within 20 px of it (eaten, or not there),
/// or looks at it from within 70 px (the nearest eye reaches it) and no eye reads an apple within 20 px of it.</item>
/// </list>
/// <see cref="Update"/> also returns the tick's <b>novelty</b>: the summed staleness of the cells it looked at, before
/// they were refreshed (<see cref="TickResult.Novelty"/>; a learner may be paid for it, <see cref="DqnOptions.NoveltyWeight"/>).
/// </summary>
public sealed class CritterMemory
{
    public const int Sectors = 8, Inputs = Sectors + 3, MaxApples = 32;
    public const double Cell = 20, Radius = 160, Tau = 1000, AppleRange = 300, Forget = 20, LookAgain = 70;
    /// <summary>The grid of cells: <see cref="Columns"/> × <see cref="Rows"/> of <see cref="Cell"/> px, row by row from the top left.</summary>
    public const int Columns = (int)(World.Width / Cell), Rows = (int)(World.Height / Cell);
    private const int NX = Columns, NY = Rows;
    private static readonly bool[] Floor = FloorCells();
    private const int StaleTable = 8192;
    private static readonly float[] Stale = [.. Enumerable.Range(0, StaleTable).Select(t => (float)(1 - Math.Exp(-t / Tau)))];
    private readonly long[] _looked = new long[NX * NY];
    private readonly List<Vec2> _apples = [];
    private readonly List<Vec2> _seen = [];
    private long _clock;

    public CritterMemory() => Array.Fill(_looked, long.MinValue);

    /// <summary>The apples remembered now (world positions).</summary>
    public IReadOnlyList<Vec2> Apples => _apples;

    /// <summary>Each cell's staleness now (0 just seen … 1 never or long ago; 0 off the floor), row by row, for drawing.</summary>
    public void WriteStaleness(Span<float> cells)
    {
        if (cells.Length != NX * NY) throw new ArgumentException($"CritterMemory.WriteStaleness: {cells.Length} slots for {NX * NY} cells");
        for (int k = 0; k < cells.Length; k++) cells[k] = Floor[k] ? Staleness(k) : 0f;
    }

    // Cells whose centre lies strictly inside the outer box: the only ones an eye can reach.
    private static bool[] FloorCells()
    {
        var f = new bool[NX * NY];
        for (int c = 0; c < f.Length; c++)
        {
            var p = Centre(c);
            f[c] = p.X > 10 && p.X < World.Width - 10 && p.Y > 10 && p.Y < World.Height - 10;
        }
        return f;
    }

    private static Vec2 Centre(int c) => new(Cell * (c % NX) + Cell / 2, Cell * (c / NX) + Cell / 2);

    /// <summary>s = 1 − exp(−Δt/τ) of cell <paramref name="c"/> now.</summary>
    private float Staleness(int c)
    {
        if (_looked[c] == long.MinValue) return 1f; // never looked at
        long dt = _clock - _looked[c];
        return dt < StaleTable ? Stale[dt] : (float)(1 - Math.Exp(-dt / Tau));
    }

    // The direction of v off the heading, in (−π, π]: the heading's angle grows the same way (Vec2.Heading).
    private static double Bearing(Vec2 v, double heading) => Math.IEEERemainder(Math.Atan2(v.X, v.Y) - heading, 2 * Math.PI);

    // Whether the eyes reach the point at v (length d) off the critter: in the fan, and no further than the nearest eye's reading plus slack.
    private static bool Reached(ReadOnlySpan<EyeReading> eyes, Vec2 v, double d, double heading, double slack)
    {
        double b = Bearing(v, heading);
        if (b < Critter.EyeAngle(0) || b > Critter.EyeAngle(Critter.Eyes - 1)) return false;
        int k = (int)Math.Round((b - Critter.EyeAngle(0)) / Critter.EyeSpacing);
        return d <= eyes[k].Distance + slack;
    }

    /// <summary>
    /// Takes in this tick's sight of the critter in <paramref name="world"/> (call after <see cref="World.Sense"/>): the cells
    /// looked at and the apples read or missed. Returns the novelty.
    /// </summary>
    public double Update(World world)
    {
        _clock = world.Clock;
        var c = world.Critter;
        var eyes = c.EyeReadings;
        double novelty = 0;
        int cx = (int)(c.Position.X / Cell), cy = (int)(c.Position.Y / Cell), reach = (int)Math.Ceiling(Critter.EyeRange / Cell);
        for (int y = Math.Max(0, cy - reach); y <= Math.Min(NY - 1, cy + reach); y++)
            for (int x = Math.Max(0, cx - reach); x <= Math.Min(NX - 1, cx + reach); x++)
            {
                int k = y * NX + x;
                var v = Centre(k) - c.Position;
                double d = v.Length;
                if (!Floor[k] || d > Critter.EyeRange || !Reached(eyes, v, d, c.Angle, Cell / 2)) continue;
                novelty += Staleness(k);
                _looked[k] = _clock;
            }

        _seen.Clear();
        for (int k = 0; k < Critter.Eyes; k++)
            if (eyes[k].What == Sensed.Apple)
                _seen.Add(c.Position + (eyes[k].Distance + World.ItemRadius) * Vec2.Heading(c.Angle + Critter.EyeAngle(k)));
        for (int i = _apples.Count - 1; i >= 0; i--)
        {
            var a = _apples[i];
            var v = a - c.Position;
            double d = v.Length;
            bool missed = d < LookAgain && Reached(eyes, v, d, c.Angle, World.ItemRadius) && !_seen.Exists(s => s.DistanceTo(a) < Forget);
            if (d < Forget || missed) _apples.RemoveAt(i);
        }
        foreach (var s in _seen)
        {
            int same = _apples.FindIndex(a => a.DistanceTo(s) < Forget);
            if (same >= 0) _apples[same] = s;
            else
            {
                if (_apples.Count == MaxApples) _apples.RemoveAt(0); // the oldest sighting goes
                _apples.Add(s);
            }
        }
        return novelty;
    }

    // The sector k of bearing β = atan2(side, ahead): k·45° − 22.5° ≤ β < k·45° + 22.5° (mod 360°), found by comparisons, tan 22.5° = √2 − 1.
    private static int Octant(float ahead, float side)
    {
        const float T = 0.41421356f;
        float a = MathF.Abs(ahead), s = MathF.Abs(side);
        if (s <= T * a) return ahead >= 0 ? 0 : 4;
        if (a <= T * s) return side >= 0 ? 2 : 6;
        return ahead >= 0 ? (side >= 0 ? 1 : 7) : (side >= 0 ? 3 : 5);
    }

    /// <summary>Writes the <see cref="Inputs"/> memory inputs into <paramref name="x"/> for the critter as it is now in <paramref name="world"/>.</summary>
    public void Write(World world, Span<float> x)
    {
        if (x.Length < Inputs) throw new ArgumentException($"CritterMemory.Inputs: {x.Length} slots for {Inputs} inputs");
        var c = world.Critter;
        Span<float> sum = stackalloc float[Sectors];
        Span<int> count = stackalloc int[Sectors];
        float sin = MathF.Sin((float)c.Angle), cos = MathF.Cos((float)c.Angle);
        int cx = (int)(c.Position.X / Cell), cy = (int)(c.Position.Y / Cell), reach = (int)Math.Ceiling(Radius / Cell);
        for (int y = Math.Max(0, cy - reach); y <= Math.Min(NY - 1, cy + reach); y++)
            for (int xx = Math.Max(0, cx - reach); xx <= Math.Min(NX - 1, cx + reach); xx++)
            {
                int k = y * NX + xx;
                var v = Centre(k) - c.Position;
                if (!Floor[k] || v.X * v.X + v.Y * v.Y > Radius * Radius) continue;
                // The bearing β off the heading h = (sin θ, cos θ): cos β ∝ v·h, sin β ∝ v.x cos θ − v.y sin θ.
                float ahead = (float)v.X * sin + (float)v.Y * cos, side = (float)v.X * cos - (float)v.Y * sin;
                int sector = Octant(ahead, side);
                sum[sector] += Staleness(k);
                count[sector]++;
            }
        for (int k = 0; k < Sectors; k++) x[k] = count[k] == 0 ? 0f : sum[k] / count[k];

        int nearest = -1;
        double best = double.PositiveInfinity;
        for (int i = 0; i < _apples.Count; i++)
        {
            double d = _apples[i].DistanceTo(c.Position);
            if (d < best) (best, nearest) = (d, i);
        }
        if (nearest < 0) { x[Sectors] = 1f; x[Sectors + 1] = 0f; x[Sectors + 2] = 0f; return; }
        double b = Bearing(_apples[nearest] - c.Position, c.Angle);
        x[Sectors] = (float)Math.Min(1, best / AppleRange);
        x[Sectors + 1] = (float)Math.Sin(b);
        x[Sectors + 2] = (float)Math.Cos(b);
    }
}
