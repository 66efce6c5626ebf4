namespace Theta.Rl;

/// <summary>An item on the floor: an apple (<see cref="Sensed.Apple"/>, +5) or a poison (<see cref="Sensed.Poison"/>, −6).</summary>
public readonly record struct Item(Vec2 Position, Sensed Kind, int Age);

/// <summary>
/// What one tick did: the reward, and how many apples and poisons were eaten. The reward is
/// <see cref="Proximity"/> + <see cref="Forward"/> + 5·apples − 6·poison; the two parts are kept so that a learner may
/// weigh them otherwise (<see cref="DqnOptions.ProximityWeight"/>) without changing the world's reward.
/// </summary>
public readonly record struct TickResult(double Reward, int Apples, int Poison)
{
    /// <summary>The proximity part of <see cref="Reward"/> (<see cref="Critter.Proximity"/>, 1 in the open, less near walls).</summary>
    public double Proximity { get; init; }

    /// <summary>The forward bonus part of <see cref="Reward"/>: 0.1·proximity when the action was straight and proximity &gt; 0.75, else 0.</summary>
    public double Forward { get; init; }

    /// <summary>
    /// Not part of <see cref="Reward"/>: the staleness of the floor the critter looked at this tick, from its memory
    /// (<see cref="CritterMemory.Update"/>; set by <see cref="Simulation"/> for a brain with memory, else 0).
    /// </summary>
    public double Novelty { get; init; }
}

/// <summary>
/// ConvNetJS's rldemo world (<c>demo/js/rldemo.js</c>), rebuilt: 700×500 px, the outer box
/// (10,10)–(690,490) and two inner boxes over x 100–300 and 400–600, y 100–400, each missing its left side
/// (10 walls); red apples and green poisons of radius 10; one <see cref="Critter"/> starting at (50, 50), angle 0.
/// <para>A tick, in the reference's order (<see cref="Step"/>; the loop calls <see cref="Sense"/> before it):</para>
/// <list type="number">
/// <item>sense: each eye's first wall or item within 85 px (<see cref="Sense"/>);</item>
/// <item>choose an action (the caller);</item>
/// <item>move: the two-wheel kinematics (<see cref="Critter.Move"/>); a path that crosses a wall restores the
/// position but keeps the new angle; then the position is clamped to [0, 700]×[0, 500];</item>
/// <item>eat and expire: every item ages by 1; one whose centre is within 20 px of the critter's, with no wall
/// between the two centres, is eaten (+5 apple, −6 poison); on every 100th tick an item older than 5,000
/// ticks is removed with probability 0.1;</item>
/// <item>spawn: on every 10th tick, when fewer than 30 items remain, one more with probability 0.25,
/// uniform in [20, 680]×[20, 480] (no wall check), apple or poison with probability ½;</item>
/// <item>reward: proximity (from the eyes read before the move, <see cref="Critter.Proximity"/>)
/// + 0.1·proximity when the action was straight and proximity &gt; 0.75, + 5 per apple − 6 per poison;</item>
/// <item>learn (the caller).</item>
/// </list>
/// Every random choice comes from the world's own seeded <see cref="Rng"/>: the same seed and the same
/// actions give the same world.
/// </summary>
public sealed class World
{
    public const double Width = 700, Height = 500, ItemRadius = 10, Margin = 20;
    public const int MaxItems = 30, SpawnEvery = 10, ExpireEvery = 100, OldAge = 5000;
    public const double SpawnProbability = 0.25, ExpireProbability = 0.1, AppleReward = 5, PoisonReward = -6;
    public const double ForwardBonus = 0.1, ForwardThreshold = 0.75;

    private readonly Rng _rng;
    private readonly List<Item> _items = [];
    private readonly Wall[] _walls;

    /// <summary>A fresh world: 30 random items, the critter at (50, 50) facing angle 0.</summary>
    public World(ulong seed) : this(new Rng(seed)) { }

    /// <summary>A fresh world drawing from <paramref name="rng"/>.</summary>
    public World(Rng rng)
    {
        _rng = rng;
        _walls = StandardWalls();
        for (int k = 0; k < MaxItems; k++) _items.Add(RandomItem());
        Critter = new Critter(new Vec2(50, 50));
    }

    /// <summary>A world with exactly these walls and items and the critter where given (for tests); it spawns nothing until items run short.</summary>
    public World(IEnumerable<Wall> walls, IEnumerable<Item> items, Vec2 critter, double angle, ulong seed = 1)
    {
        _rng = new Rng(seed);
        _walls = [.. walls];
        _items.AddRange(items);
        Critter = new Critter(critter, angle);
    }

    /// <summary>The rldemo's 10 walls: the outer box and two inner boxes without their left sides.</summary>
    public static Wall[] StandardWalls()
    {
        var w = new List<Wall>();
        Box(w, 10, 10, Width - 20, Height - 20, left: true);
        Box(w, 100, 100, 200, 300, left: false);
        Box(w, 400, 100, 200, 300, left: false);
        return [.. w];

        static void Box(List<Wall> w, double x, double y, double bw, double bh, bool left)
        {
            w.Add(new(new(x, y), new(x + bw, y)));
            w.Add(new(new(x + bw, y), new(x + bw, y + bh)));
            w.Add(new(new(x + bw, y + bh), new(x, y + bh)));
            if (left) w.Add(new(new(x, y + bh), new(x, y)));
        }
    }

    /// <summary>The body that moves, eats and sees.</summary>
    public Critter Critter { get; }

    /// <summary>The walls.</summary>
    public ReadOnlySpan<Wall> Walls => _walls;

    /// <summary>The items on the floor now.</summary>
    public IReadOnlyList<Item> Items => _items;

    /// <summary>Ticks so far.</summary>
    public long Clock { get; private set; }

    /// <summary>
    /// Step 1 of a tick: every eye's first wall or item within range, into <see cref="Critter.EyeReadings"/>;
    /// writes the 27 inputs into <paramref name="inputs"/> when given (<see cref="Critter.WriteInputs"/>).
    /// Walls and items compete on distance; an eye that sees nothing reads the range.
    /// </summary>
    public void Sense(Span<float> inputs = default)
    {
        var c = Critter;
        var eyes = c.EyesForWriting;
        for (int k = 0; k < Critter.Eyes; k++)
        {
            var end = c.Position + Critter.EyeRange * Vec2.Heading(c.Angle + Critter.EyeAngle(k));
            double best = double.PositiveInfinity;
            var what = Sensed.Nothing;
            foreach (var w in _walls)
                if (Geometry.SegmentIntersection(c.Position, end, w.A, w.B) is double t && t < best) (best, what) = (t, Sensed.Wall);
            foreach (var it in _items)
                if (Geometry.CircleIntersection(c.Position, end, it.Position, ItemRadius) is double t && t < best) (best, what) = (t, it.Kind);
            eyes[k] = what == Sensed.Nothing ? new EyeReading(Sensed.Nothing, Critter.EyeRange) : new EyeReading(what, best * Critter.EyeRange);
        }
        if (!inputs.IsEmpty) c.WriteInputs(inputs);
    }

    /// <summary>
    /// Steps 3 to 6 of a tick for <paramref name="action"/> (0..4, <see cref="Critter.Actions"/>): move, eat and
    /// expire, spawn, and the reward, whose proximity part comes from the eyes of the last <see cref="Sense"/>.
    /// </summary>
    public TickResult Step(int action)
    {
        if ((uint)action >= Critter.ActionCount) throw new ArgumentOutOfRangeException(nameof(action), action, $"World.Step: the action must be 0..{Critter.ActionCount - 1}");
        Clock++;
        double proximity = Critter.Proximity();
        Move(action);
        var (apples, poison) = EatAndExpire();
        Spawn();
        double forward = action == Critter.Straight && proximity > ForwardThreshold ? ForwardBonus * proximity : 0;
        double reward = proximity + forward + AppleReward * apples + PoisonReward * poison;
        return new TickResult(reward, apples, poison) { Proximity = proximity, Forward = forward };
    }

    private void Move(int action)
    {
        var c = Critter;
        var (left, right) = Critter.Actions[action];
        var old = c.Position;
        var (p, angle) = Critter.Move(old, c.Angle, left, right);
        c.Angle = angle;
        if (Geometry.CrossesAny(old, p, _walls)) p = old; // blocked: stay, but keep the new heading
        c.Position = new Vec2(Math.Clamp(p.X, 0, Width), Math.Clamp(p.Y, 0, Height));
    }

    private (int Apples, int Poison) EatAndExpire()
    {
        int apples = 0, poison = 0;
        var p = Critter.Position;
        bool expiryTick = Clock % ExpireEvery == 0;
        int kept = 0;
        for (int i = 0; i < _items.Count; i++)
        {
            var it = _items[i] with { Age = _items[i].Age + 1 };
            bool gone = false;
            if (p.DistanceTo(it.Position) < ItemRadius + Critter.Radius && !Geometry.CrossesAny(p, it.Position, _walls))
            {
                if (it.Kind == Sensed.Apple) apples++; else poison++;
                gone = true;
            }
            else if (it.Age > OldAge && expiryTick && _rng.NextDouble() < ExpireProbability) gone = true;
            if (!gone) _items[kept++] = it;
        }
        _items.RemoveRange(kept, _items.Count - kept);
        return (apples, poison);
    }

    private void Spawn()
    {
        if (_items.Count < MaxItems && Clock % SpawnEvery == 0 && _rng.NextDouble() < SpawnProbability) _items.Add(RandomItem());
    }

    private Item RandomItem()
    {
        double x = Margin + (Width - 2 * Margin) * _rng.NextDouble();
        double y = Margin + (Height - 2 * Margin) * _rng.NextDouble();
        return new Item(new Vec2(x, y), _rng.NextInt(2) == 0 ? Sensed.Apple : Sensed.Poison, 0);
    }
}
