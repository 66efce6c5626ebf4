using Theta;
using Theta.Rl;

namespace Theta.CritterStudy;

/// <summary>
/// A critter that knows where every item is but must move as the critter does (the five actions; a move that crosses a
/// wall stays put): each tick it finds the nearest apple by a shortest path on a 10-px grid (walls cut the grid's edges;
/// cells within 24 px of a poison cost 300 steps more), turns towards a waypoint up to three cells along that path (the
/// apple itself when near) and never takes an action after which it would eat a poison or could not avoid one the next
/// tick, unless a poison is allowed: one per <paramref name="applesPerPoison"/> apples, and then poisons are targets too.
/// With no target it circles on the spot. With probability <paramref name="epsilon"/> it acts at random instead, as the
/// learner does in a test. Not a policy from the eyes: a measure of what moving costs against the teleporting
/// <see cref="AppleOracle"/>.
/// </summary>
internal sealed class MovingCritter(World world, double applesPerPoison, double epsilon, ulong seed, Knowledge knows = Knowledge.All) : ICritterBrain
{
    private const int Cell = 10, NX = 70, NY = 50;
    private const double PoisonZone = 24, EatDistance = 20.5, PoisonCost = 300;
    private static readonly (int Dx, int Dy)[] Steps = [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (1, -1), (-1, 1), (-1, -1)];
    private static readonly bool[] Free = FreeCells();
    private static readonly bool[,] Edge = Edges();
    private readonly Rng _rng = new(seed);
    private readonly double[] _dist = new double[NX * NY];
    private readonly int[] _from = new int[NX * NY];
    private readonly bool[] _zone = new bool[NX * NY];
    private int _stuck, _unstick;
    private Vec2 _last;
    // Knowledge.Seen / InView: the apples seen and not yet gone; when each cell was last in view; the explorer's waypoint.
    private readonly HashSet<Vec2> _known = [];
    private readonly long[] _looked = new long[NX * NY];
    private long _clock;
    private int _waypoint = -1;

    public long Apples { get; private set; }
    public long Poison { get; private set; }

    private static Vec2 Centre(int c) => new(Cell * (c % NX) + Cell / 2.0, Cell * (c / NX) + Cell / 2.0);
    private static int CellOf(Vec2 p) => Math.Clamp((int)(p.Y / Cell), 0, NY - 1) * NX + Math.Clamp((int)(p.X / Cell), 0, NX - 1);
    private static double WallDistance(Vec2 p) => World.StandardWalls().Min(w => SegmentDistance(p, w.A, w.B));

    internal static double SegmentDistance(Vec2 p, Vec2 a, Vec2 b)
    {
        double dx = b.X - a.X, dy = b.Y - a.Y;
        double t = Math.Clamp(((p.X - a.X) * dx + (p.Y - a.Y) * dy) / (dx * dx + dy * dy), 0, 1);
        return p.DistanceTo(new Vec2(a.X + t * dx, a.Y + t * dy));
    }

    // Cells whose centre lies inside the outer box and at least 7 px from every wall.
    private static bool[] FreeCells()
    {
        var f = new bool[NX * NY];
        for (int c = 0; c < f.Length; c++)
        {
            var p = Centre(c);
            f[c] = p.X > 12 && p.X < 688 && p.Y > 12 && p.Y < 488 && WallDistance(p) >= 7;
        }
        return f;
    }

    // An edge between two free neighbours whose centres see each other, its midpoint 7 px from every wall.
    private static bool[,] Edges()
    {
        var walls = World.StandardWalls();
        var e = new bool[NX * NY, Steps.Length];
        for (int c = 0; c < NX * NY; c++)
            for (int k = 0; k < Steps.Length; k++)
                if (Neighbour(c, k) is int n)
                    e[c, k] = Free[c] && Free[n] && !Geometry.CrossesAny(Centre(c), Centre(n), walls) && WallDistance(0.5 * (Centre(c) + Centre(n))) >= 7;
        return e;
    }

    private static int? Neighbour(int c, int k)
    {
        int x = c % NX + Steps[k].Dx, y = c / NX + Steps[k].Dy;
        return x < 0 || y < 0 || x >= NX || y >= NY ? null : y * NX + x;
    }

    private bool PoisonAllowed => (Poison + 1) * applesPerPoison <= Apples;

    private bool EatsPoisonAt(Vec2 p) => world.Items.Any(it => it.Kind == Sensed.Poison && it.Position.DistanceTo(p) < EatDistance);

    private (Vec2 Position, double Angle) After(Vec2 p, double angle, int action)
    {
        var (l, r) = Critter.Actions[action];
        var (np, na) = Critter.Move(p, angle, l, r);
        return (Geometry.CrossesAny(p, np, world.Walls) ? p : np, na);
    }

    // Whether the action eats a forbidden poison now or leaves no action that does not next tick.
    private bool Unsafe(int action)
    {
        if (PoisonAllowed) return false;
        var (np, na) = After(world.Critter.Position, world.Critter.Angle, action);
        return EatsPoisonAt(np) || Enumerable.Range(0, Critter.ActionCount).All(b => EatsPoisonAt(Critter.Move(np, na, Critter.Actions[b].Left, Critter.Actions[b].Right).Position));
    }

    private int SafeWait()
    {
        var ok = Enumerable.Range(0, Critter.ActionCount).Where(a => !Unsafe(a)).ToArray();
        if (ok.Contains(3)) return 3; // circle on the spot
        return ok.Length == 0 ? _rng.NextInt(Critter.ActionCount) : ok[_rng.NextInt(ok.Length)];
    }

    public int Act(ReadOnlySpan<float> observation)
    {
        var cr = world.Critter;
        _stuck = cr.Position == _last ? _stuck + 1 : 0; // pressed against a wall corner: turn away and go
        _last = cr.Position;
        if (_stuck > 2) (_unstick, _stuck) = (6, 0);
        if (_unstick > 0)
        {
            _unstick--;
            int u = _unstick > 3 ? 3 : Critter.Straight;
            return Unsafe(u) ? SafeWait() : u;
        }
        _clock++;
        if (knows != Knowledge.All) Look(cr);
        if (_rng.NextDouble() < epsilon) return _rng.NextInt(Critter.ActionCount);
        bool poisonOk = PoisonAllowed;
        Array.Clear(_zone);
        if (!poisonOk)
            foreach (var it in world.Items.Where(it => it.Kind == Sensed.Poison))
                for (int y = (int)(it.Position.Y / Cell) - 3; y <= (int)(it.Position.Y / Cell) + 3; y++)
                    for (int x = (int)(it.Position.X / Cell) - 3; x <= (int)(it.Position.X / Cell) + 3; x++)
                        if (x >= 0 && y >= 0 && x < NX && y < NY && Centre(y * NX + x).DistanceTo(it.Position) < PoisonZone) _zone[y * NX + x] = true;

        // Dijkstra from the nearest free cell the critter sees.
        int start = -1, c0 = CellOf(cr.Position);
        double near = double.PositiveInfinity;
        for (int y = c0 / NX - 2; y <= c0 / NX + 2; y++)
            for (int x = c0 % NX - 2; x <= c0 % NX + 2; x++)
            {
                if (x < 0 || y < 0 || x >= NX || y >= NY) continue;
                int n = y * NX + x;
                double d = Centre(n).DistanceTo(cr.Position);
                if (Free[n] && d < near && !Geometry.CrossesAny(cr.Position, Centre(n), world.Walls)) (near, start) = (d, n);
            }
        if (start < 0) return SafeWait();
        Array.Fill(_dist, double.PositiveInfinity);
        _dist[start] = 0;
        _from[start] = -1;
        var queue = new PriorityQueue<int, double>();
        queue.Enqueue(start, 0);
        while (queue.TryDequeue(out int c, out double d))
        {
            if (d > _dist[c]) continue;
            for (int k = 0; k < Steps.Length; k++)
            {
                if (!Edge[c, k]) continue;
                int n = Neighbour(c, k)!.Value;
                double nd = d + (k < 4 ? 1 : Math.Sqrt(2)) + (_zone[n] ? PoisonCost : 0);
                if (nd < _dist[n]) { _dist[n] = nd; _from[n] = c; queue.Enqueue(n, nd); }
            }
        }

        // The nearest target: an apple (a poison too, when one is allowed) eaten from a reached cell beside it.
        int best = -1;
        double bestD = double.PositiveInfinity;
        Vec2 goal = default;
        foreach (var it in world.Items)
        {
            if (it.Kind == Sensed.Poison && !poisonOk) continue;
            if (knows != Knowledge.All && !(it.Kind == Sensed.Apple ? _known.Contains(it.Position) : InView(cr, it.Position, World.ItemRadius))) continue;
            int ic = CellOf(it.Position);
            for (int y = ic / NX - 1; y <= ic / NX + 1; y++)
                for (int x = ic % NX - 1; x <= ic % NX + 1; x++)
                {
                    if (x < 0 || y < 0 || x >= NX || y >= NY) continue;
                    int n = y * NX + x;
                    if (_dist[n] < bestD && !Geometry.CrossesAny(Centre(n), it.Position, world.Walls)) (bestD, best, goal) = (_dist[n], n, it.Position);
                }
        }
        if (best < 0 && knows != Knowledge.All && Explore() is int target) (best, goal) = (target, Centre(target));
        if (best < 0) return SafeWait();

        var path = new List<int>();
        for (int c = best; c != -1; c = _from[c]) path.Add(c);
        path.Reverse();
        Vec2 way = Centre(path[Math.Min(1, path.Count - 1)]);
        for (int i = Math.Min(3, path.Count - 1); i >= 1; i--)
            if (!Geometry.CrossesAny(cr.Position, Centre(path[i]), world.Walls)) { way = Centre(path[i]); break; }
        if (path.Count <= 3 && !Geometry.CrossesAny(cr.Position, goal, world.Walls)) way = goal;
        if (near > 6 && path.Count > 1) way = Centre(start); // back onto the grid first
        var v = way - cr.Position;
        double want = Math.Atan2(v.X, v.Y); // heading θ looks along (sin θ, cos θ)

        // The action that leaves the smallest heading error, then moves furthest; an unsafe one only when all are.
        int choice = Critter.Straight;
        double score = double.PositiveInfinity;
        for (int a = 0; a < Critter.ActionCount; a++)
        {
            var (np, na) = After(cr.Position, cr.Angle, a);
            double s = Math.Abs(Math.IEEERemainder(want - na, 2 * Math.PI)) + 0.05 * (4.3 - cr.Position.DistanceTo(np)) + (!poisonOk && Unsafe(a) ? 100 : 0);
            if (s < score) (score, choice) = (s, a);
        }
        return choice;
    }

    // What the critter sees this tick: an item within the eyes' fan (−0.75 … +1.25 rad off the heading, widened by the item's
    // angular radius) up to 85 px from its edge, with no wall between: generous, as the nine rays have gaps and items hide others.
    private void Look(Critter cr)
    {
        if (knows == Knowledge.InView) _known.Clear();
        else _known.IntersectWith(world.Items.Where(i => i.Kind == Sensed.Apple).Select(i => i.Position));
        foreach (var it in world.Items)
            if (it.Kind == Sensed.Apple && InView(cr, it.Position, World.ItemRadius)) _known.Add(it.Position);
        int c0 = CellOf(cr.Position);
        for (int y = c0 / NX - 9; y <= c0 / NX + 9; y++)
            for (int x = c0 % NX - 9; x <= c0 % NX + 9; x++)
                if (x >= 0 && y >= 0 && x < NX && y < NY && InView(cr, Centre(y * NX + x), 0)) _looked[y * NX + x] = _clock;
        if (_waypoint >= 0 && _looked[_waypoint] == _clock && cr.Position.DistanceTo(Centre(_waypoint)) < 40) _waypoint = -1;
    }

    private bool InView(Critter cr, Vec2 p, double radius)
    {
        var v = p - cr.Position;
        double d = v.Length;
        if (d > Critter.EyeRange + radius) return false;
        double margin = d <= radius ? Math.PI : Math.Asin(radius / d);
        double rel = Math.IEEERemainder(Math.Atan2(v.X, v.Y) - cr.Angle, 2 * Math.PI);
        return rel >= Critter.EyeAngle(0) - margin && rel <= Critter.EyeAngle(Critter.Eyes - 1) + margin && !Geometry.CrossesAny(cr.Position, p, world.Walls);
    }

    // With no apple known: Seen goes to the reached cell with the most apples expected per tick of travel (ticks since the cell
    // was last in view, over the travel time plus 60 ticks); InView, which remembers nothing but its waypoint, to a random far cell.
    private int? Explore()
    {
        if (_waypoint >= 0 && !double.IsPositiveInfinity(_dist[_waypoint]) && knows == Knowledge.InView) return _waypoint;
        int best = -1;
        double score = double.NegativeInfinity;
        for (int c = 0; c < NX * NY; c++)
        {
            if (double.IsPositiveInfinity(_dist[c]) || _dist[c] < 4) continue;
            double s = knows == Knowledge.Seen ? (_clock - _looked[c]) / (_dist[c] * Cell / 4.0 + 60) : _rng.NextDouble() * Math.Min(_dist[c], 30);
            if (s > score) (score, best) = (s, c);
        }
        _waypoint = best;
        return best < 0 ? null : best;
    }

    public void Observe(double reward, ReadOnlySpan<float> next) { }

    public void Observe(TickResult result, ReadOnlySpan<float> next)
    {
        Apples += result.Apples;
        Poison += result.Poison;
    }

    public double Learn() => double.NaN;
}

/// <summary>What a <see cref="MovingCritter"/> knows of the apples (poison it always knows, to keep away from).</summary>
internal enum Knowledge
{
    /// <summary>Every apple in the world.</summary>
    All,
    /// <summary>The apples it has seen and that are still there (a perfect memory of its own sight), exploring the cells longest out of view.</summary>
    Seen,
    /// <summary>Only the apples in view now, exploring by random far waypoints.</summary>
    InView,
}
