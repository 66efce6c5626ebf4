namespace Theta.Rl.Tests;

// The world against hand-computed cases. Distances and angles below come from the geometry written out in each
// comment (no numbers copied from a run of this code); tolerances are for double rounding.
public class WorldTests
{
    private const double Tol = 1e-9;

    private static void AssertEye(ReadOnlySpan<float> x, int k, double wall, double red, double green)
    {
        Assert.Equal(wall, x[3 * k], 6);
        Assert.Equal(red, x[3 * k + 1], 6);
        Assert.Equal(green, x[3 * k + 2], 6);
    }

    private static World Open(Vec2 at, double angle, params Item[] items) => new([], items, at, angle);

    private static Item Apple(double x, double y) => new(new Vec2(x, y), Sensed.Apple, 0);
    private static Item Poison(double x, double y) => new(new Vec2(x, y), Sensed.Poison, 0);

    // Two-wheel kinematics in closed form: with wheel turns (l, r) the centre moves 5·sin((l + r)/2) px along the
    // heading turned by (r − l)/2, and the heading turns by r − l (5 = half the axle, the radius / 2).
    [Theory]
    [InlineData(0, 4.2073549240394825)] // 5 sin 1: straight
    [InlineData(1, 3.916634548137417)] // 5 sin 0.9: ±0.2 rad
    [InlineData(2, 3.916634548137417)]
    [InlineData(3, 1.2370197962726938)] // 5 sin 0.25: ±0.5 rad
    [InlineData(4, 1.2370197962726938)]
    public void Each_action_moves_as_the_two_wheel_formula_says(int action, double distance)
    {
        var (l, r) = Critter.Actions[action];
        Assert.Equal(5 * Math.Sin((l + r) / 2), distance, 12);
        foreach (double theta in new[] { 0.0, 1.0, 4.0 })
        {
            var p = new Vec2(300, 250);
            var (np, angle) = Critter.Move(p, theta, l, r);
            var expected = p + distance * Vec2.Heading(theta + (r - l) / 2);
            Assert.Equal(expected.X, np.X, 9);
            Assert.Equal(expected.Y, np.Y, 9);
            Assert.Equal(distance, np.DistanceTo(p), 9);
            double turned = Math.IEEERemainder(angle - theta - (r - l), 2 * Math.PI);
            Assert.Equal(0, turned, 9);
            Assert.InRange(angle, 0, 2 * Math.PI);
        }
    }

    [Fact]
    public void The_standard_world_has_ten_walls_and_thirty_items_and_starts_at_50_50()
    {
        var w = new World(seed: 3);
        Assert.Equal(10, w.Walls.Length);
        Assert.Equal(30, w.Items.Count);
        Assert.All(w.Items, it => { Assert.InRange(it.Position.X, 20, 680); Assert.InRange(it.Position.Y, 20, 480); });
        Assert.Equal(new Vec2(50, 50), w.Critter.Position);
        Assert.Equal(0, w.Critter.Angle);
        // the inner boxes have no left side: no wall runs along x = 100 or x = 400
        foreach (var wall in w.Walls.ToArray())
            Assert.False(wall.A.X == wall.B.X && (wall.A.X == 100 || wall.A.X == 400), $"a left side at x = {wall.A.X}");
    }

    [Fact]
    public void A_move_into_a_wall_is_undone_but_the_turn_is_kept()
    {
        // 12 px below the outer top wall (y = 10), facing up (θ = π: heading (0, −1)): straight ahead would end at y ≈ 7.79.
        var w = new World(World.StandardWalls(), [], new Vec2(50, 12), Math.PI);
        w.Sense();
        w.Step(Critter.Straight);
        Assert.Equal(new Vec2(50, 12), w.Critter.Position);
        // turning left 0.2 from there also crosses the wall: position kept, heading turned
        w.Step(1);
        Assert.Equal(new Vec2(50, 12), w.Critter.Position);
        Assert.Equal(Math.PI + 0.2, w.Critter.Angle, 12);
    }

    [Fact]
    public void The_inner_boxes_are_open_on_the_left_and_closed_on_the_right()
    {
        // facing +x (θ = π/2); the box spans x 100..300, y 100..400
        var into = new World(World.StandardWalls(), [], new Vec2(98, 250), Math.PI / 2);
        into.Step(Critter.Straight);
        Assert.Equal(98 + 4.2073549240394825, into.Critter.Position.X, 9);
        var outOf = new World(World.StandardWalls(), [], new Vec2(298, 250), Math.PI / 2);
        outOf.Step(Critter.Straight);
        Assert.Equal(new Vec2(298, 250), outOf.Critter.Position);
    }

    [Fact]
    public void Without_walls_the_position_is_clamped_to_the_world()
    {
        var w = Open(new Vec2(699, 250), Math.PI / 2);
        w.Step(Critter.Straight);
        Assert.Equal(new Vec2(700, 250), w.Critter.Position);
    }

    [Fact]
    public void An_apple_within_20px_is_eaten_for_plus_5_and_a_poison_for_minus_6()
    {
        // facing +x from (200, 50); straight ends at (204.21, 50), 14.8 px from the apple at (219, 50).
        // No walls: every eye reads 1 for proximity, so the reward is 1 + 0.1 (straight, proximity > 0.75) + 5.
        var w = Open(new Vec2(200, 50), Math.PI / 2, Apple(219, 50), Poison(500, 400));
        w.Sense();
        var r = w.Step(Critter.Straight);
        Assert.Equal((1, 0), (r.Apples, r.Poison));
        Assert.Equal(6.1, r.Reward, 12);
        Assert.Single(w.Items);

        var p = Open(new Vec2(200, 50), Math.PI / 2, Poison(219, 50));
        p.Sense();
        var rp = p.Step(1); // a turn: no forward bonus
        Assert.Equal((0, 1), (rp.Apples, rp.Poison));
        Assert.Equal(1 - 6, rp.Reward, 12);
    }

    [Fact]
    public void An_item_just_out_of_reach_is_not_eaten()
    {
        // after the move the critter is at 204.21; an apple at 224.3 is 20.09 px away
        var w = Open(new Vec2(200, 50), Math.PI / 2, Apple(224.3, 50));
        var r = w.Step(Critter.Straight);
        Assert.Equal(0, r.Apples);
        Assert.Single(w.Items);
        Assert.Equal(1, w.Items[0].Age);
    }

    [Fact]
    public void Nothing_is_eaten_through_a_wall()
    {
        // a wall at x = 210 between the critter (204.21 after the move) and the apple at 216: 11.8 px apart, but walled off
        var wall = new Wall(new Vec2(210, 0), new Vec2(210, 100));
        var w = new World([wall], [Apple(216, 50)], new Vec2(200, 50), Math.PI / 2);
        w.Sense();
        var r = w.Step(Critter.Straight);
        Assert.Equal(new Vec2(200 + 4.2073549240394825, 50), w.Critter.Position);
        Assert.Equal(0, r.Apples);
        Assert.Single(w.Items);
    }

    // The critter at (100, 100) facing down (θ = 0, heading (0, 1)); a wall along y = 150 from x = 0 to 200.
    // Eye k looks at a_k = (k − 3)/4 rad off the heading and meets the wall after 50 / cos a_k px when that is
    // under the 85 px range: eyes 0..6 (|a| ≤ 0.75: 50/cos 0.75 = 68.3); eyes 7 and 8 (50/cos 1 = 92.5) see nothing.
    [Fact]
    public void The_eyes_see_a_wall_at_50_over_cos_of_their_angle()
    {
        var w = new World([new Wall(new Vec2(0, 150), new Vec2(200, 150))], [], new Vec2(100, 100), 0);
        var x = new float[Critter.Inputs];
        w.Sense(x);
        var eyes = w.Critter.EyeReadings;
        for (int k = 0; k < Critter.Eyes; k++)
        {
            double a = (k - 3) * 0.25, d = 50 / Math.Cos(a);
            if (k <= 6)
            {
                Assert.Equal(Sensed.Wall, eyes[k].What);
                Assert.Equal(d, eyes[k].Distance, 9);
                AssertEye(x, k, d / 85, 1, 1);
            }
            else
            {
                Assert.Equal(new EyeReading(Sensed.Nothing, 85), eyes[k]);
                AssertEye(x, k, 1, 1, 1);
            }
        }
    }

    // An apple of radius 10 centred 30 px straight ahead, in front of the wall. An eye at angle a meets its circle
    // where the ray first enters it: 30·cos a − √(10² − (30·sin a)²) px (the chord formula), when 30·|sin a| < 10.
    // Eye 3 (a = 0): 20 px. Eyes 2 and 4 (a = ∓0.25): 22.37 px (29.07 − 6.70). Eyes 1 and 5 (30·sin 0.5 = 14.4 > 10) miss it and
    // see the wall. The reference would report the foot of the perpendicular, 30·cos 0.25 = 29.07 px, for eyes 2 and 4.
    [Fact]
    public void The_eyes_see_the_true_edge_of_an_item_in_front_of_a_wall()
    {
        var w = new World([new Wall(new Vec2(0, 150), new Vec2(200, 150))], [Apple(100, 130), Poison(100, 170)], new Vec2(100, 100), 0);
        var x = new float[Critter.Inputs];
        w.Sense(x);
        var eyes = w.Critter.EyeReadings;
        static double Chord(double a) => 30 * Math.Cos(a) - Math.Sqrt(100 - Math.Pow(30 * Math.Sin(a), 2));
        Assert.Equal(20, Chord(0), 12);
        Assert.Equal(22.3657, Chord(0.25), 4);
        foreach (int k in new[] { 2, 3, 4 })
        {
            Assert.Equal(Sensed.Apple, eyes[k].What);
            Assert.Equal(Chord((k - 3) * 0.25), eyes[k].Distance, 9);
            AssertEye(x, k, 1, Chord((k - 3) * 0.25) / 85, 1);
        }
        foreach (int k in new[] { 1, 5 })
        {
            Assert.Equal(Sensed.Wall, eyes[k].What);
            Assert.Equal(50 / Math.Cos(0.25 * (k - 3)), eyes[k].Distance, 9);
        }
    }

    [Fact]
    public void A_poison_to_the_left_is_seen_by_the_left_eyes_only()
    {
        // facing down, the critter's left is +x. A poison at (150, 100) sits 50 px away at a = π/2 (no eye looks
        // that way); one at (100 + 60 sin 1.25, 100 + 60 cos 1.25) lies on eye 8's ray: seen at 60 − 10 = 50 px.
        var p = new Vec2(100 + 60 * Math.Sin(1.25), 100 + 60 * Math.Cos(1.25));
        var w = new World([], [Poison(p.X, p.Y)], new Vec2(100, 100), 0);
        w.Sense();
        var eyes = w.Critter.EyeReadings;
        Assert.Equal(new EyeReading(Sensed.Poison, 50), eyes[8] with { Distance = Math.Round(eyes[8].Distance, 9) });
        for (int k = 0; k < 8; k++) Assert.NotEqual(Sensed.Poison, eyes[k].What);
    }

    // A wall 10 px ahead along y = 110 (x 0..200) is within range of all nine eyes, at 10 / cos a_k px. The proximity
    // reward is min(1, 2·mean_k (10 / (85 cos a_k))) = 0.3425; a straight move earns no bonus below 0.75.
    [Fact]
    public void The_proximity_reward_falls_near_a_wall()
    {
        var w = new World([new Wall(new Vec2(0, 110), new Vec2(200, 110))], [], new Vec2(100, 100), 0);
        w.Sense();
        double sum = 0;
        for (int k = 0; k < 9; k++) sum += 10 / (85 * Math.Cos((k - 3) * 0.25));
        double expected = Math.Min(1, 2 * sum / 9);
        Assert.Equal(0.342451, expected, 6);
        Assert.Equal(expected, w.Critter.Proximity(), 9);
        Assert.Equal(expected, w.Step(Critter.Straight).Reward, 9);
    }

    [Fact]
    public void The_forward_bonus_is_a_tenth_of_proximity_above_0_75()
    {
        var w = Open(new Vec2(300, 250), 0);
        w.Sense();
        Assert.Equal(1.1, w.Step(Critter.Straight).Reward, 12);
        Assert.Equal(1.0, w.Step(3).Reward, 12);
    }

    [Fact]
    public void Items_are_replenished_up_to_thirty_and_the_same_seed_gives_the_same_world()
    {
        var a = new World(seed: 7);
        var b = new World(seed: 7);
        var rng = new Rng(1);
        int eaten = 0;
        for (int t = 0; t < 20_000; t++)
        {
            int act = rng.NextInt(5);
            a.Sense(); b.Sense();
            var r = a.Step(act);
            b.Step(act);
            eaten += r.Apples + r.Poison;
            Assert.InRange(a.Items.Count, 0, 30);
        }
        Assert.True(eaten > 0, "a random walk eats something in 20,000 ticks");
        Assert.Equal(a.Items, b.Items);
        Assert.Equal(a.Critter.Position, b.Critter.Position);
        Assert.InRange(a.Items.Count, 25, 30); // eaten items came back (a refill takes 40 ticks on average)
        Assert.True(a.Items.Max(i => i.Age) <= 20_000);
    }

    [Fact]
    public void Step_refuses_an_unknown_action()
    {
        var w = new World(seed: 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => w.Step(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => w.Step(-1));
    }

    // The oracle eats one apple a tick and never a poison: within as many ticks as there are apples at the start, it has
    // eaten at least those (new ones may come too); over 20,000 ticks of world 1 it gets more than the random policy.
    [Fact]
    public void The_apple_oracle_eats_every_apple_and_no_poison()
    {
        int start = new World(1).Items.Count(i => i.Kind == Sensed.Apple);
        var shortRun = AppleOracle.Run(1, start);
        Assert.True(shortRun.Apples >= start, $"{shortRun.Apples} of {start}");
        var run = AppleOracle.Run(1, 20_000);
        Assert.Equal(0, run.Poison);
        Assert.True(run.Apples > Simulation.Run(new RandomBrain(12), 1, 20_000).Apples);
        Assert.Throws<ArgumentOutOfRangeException>(() => AppleOracle.Run(1, 0));
    }

    // Allowed one poison per 8 apples, the oracle eats poison (a freed place refills) and never more than that allows:
    // at every length of run, poison × 8 ≤ apples.
    [Fact]
    public void The_apple_oracle_with_a_poison_budget_keeps_to_it()
    {
        foreach (long ticks in new long[] { 100, 1_000, 5_000, 20_000 })
        {
            var run = AppleOracle.Run(2, ticks, applesPerPoison: 8);
            Assert.True(run.Poison * 8 <= run.Apples, $"{ticks} ticks: {run.Apples} apples, {run.Poison} poison");
            if (ticks == 20_000) Assert.InRange(run.Poison, run.Apples / 8 - 1, run.Apples / 8);   // it uses the budget
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => AppleOracle.Run(1, 10, applesPerPoison: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => AppleOracle.Run(1, 10, applesPerPoison: double.NaN));
    }
}
