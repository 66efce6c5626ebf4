namespace Theta.Rl;

/// <summary>
/// How many apples a world gives at most without poison: an oracle that, before every tick, puts the critter 17 px from
/// an apple (the oldest it can reach so) on a side where no poison lies within 23 px and no wall lies between, so the
/// tick eats that apple and nothing else; with no such apple it parks where no item is within reach. It turns on the
/// spot (action 3, 1.24 px). Not a policy (it moves the critter by hand): a ceiling for the learners' apples.
/// <para>Why there is a ceiling: an item is added only while fewer than 30 lie on the floor (one per 40 ticks at most),
/// so once the uneaten poison fills the floor, new apples come only as poison ages out (from 5,000 ticks old) or is
/// eaten. A freed place is refilled by apples until a poison lands in it (one apple per place on average), so over a
/// long run the apples eaten are about the poison aged out plus the poison eaten: a learner held to 8 apples per poison
/// can add at most an eighth, which the <c>applesPerPoison</c> run measures.</para>
/// </summary>
public static class AppleOracle
{
    public const double Reach = 17, PoisonClearance = 23;

    /// <summary>
    /// The oracle's totals over <paramref name="ticks"/> ticks in a fresh world of <paramref name="worldSeed"/>. With a
    /// finite <paramref name="applesPerPoison"/> it also eats a poison (before any apple: the place it frees refills
    /// sooner) whenever that keeps apples ≥ applesPerPoison × poison: the ceiling for a learner held to that ratio.
    /// </summary>
    public static RunTotals Run(ulong worldSeed, long ticks, double applesPerPoison = double.PositiveInfinity)
    {
        if (ticks <= 0) throw new ArgumentOutOfRangeException(nameof(ticks), ticks, "the number of ticks must be positive");
        if (!(applesPerPoison > 0)) throw new ArgumentOutOfRangeException(nameof(applesPerPoison), applesPerPoison, "the apples per poison must be positive");
        var w = new World(worldSeed);
        var totals = default(RunTotals);
        for (long t = 0; t < ticks; t++)
        {
            w.Sense();
            bool poisonAllowed = (totals.Poison + 1) * applesPerPoison <= totals.Apples;
            if (((poisonAllowed ? Beside(w, Sensed.Poison) : null) ?? Target(w)) is Vec2 p) w.Critter.Position = p;
            totals = totals.Add(w.Step(3));
        }
        return totals;
    }

    private static Vec2? Target(World w)
    {
        if (Beside(w, Sensed.Apple) is Vec2 apple) return apple;
        if (!Near(w, w.Critter.Position, 40, null)) return null;
        Vec2 best = w.Critter.Position;
        double far = -1;
        for (int x = 30; x < World.Width - 20; x += 25)
            for (int y = 30; y < World.Height - 20; y += 25)
            {
                var p = new Vec2(x, y);
                double d = double.PositiveInfinity;
                foreach (var it in w.Items) d = Math.Min(d, it.Position.DistanceTo(p));
                if (d > far) (far, best) = (d, p);
            }
        return best;
    }

    /// <summary>A place <see cref="Reach"/> from the oldest item of <paramref name="kind"/> that can be eaten from there with no
    /// wall between (and, for an apple, no poison within <see cref="PoisonClearance"/>).</summary>
    private static Vec2? Beside(World w, Sensed kind)
    {
        foreach (var a in w.Items)
        {
            if (a.Kind != kind) continue;
            for (int k = 0; k < 24; k++)
            {
                var p = a.Position + Reach * Vec2.Heading(k * Math.PI / 12);
                if ((kind == Sensed.Poison || !Near(w, p, PoisonClearance, Sensed.Poison)) && !Geometry.CrossesAny(p, a.Position, w.Walls)) return p;
            }
        }
        return null;
    }

    private static bool Near(World w, Vec2 p, double r, Sensed? kind)
    {
        foreach (var it in w.Items) if ((kind is null || it.Kind == kind) && it.Position.DistanceTo(p) < r) return true;
        return false;
    }
}
