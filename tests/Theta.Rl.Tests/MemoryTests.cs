using Theta.Io;

namespace Theta.Rl.Tests;

public class MemoryTests
{
    // The outer box only, the critter at (350, 250); heading 0 looks along +y (down the screen).
    private static World Open(IEnumerable<Item> items, double angle = 0, double x = 350, double y = 250)
        => new(World.StandardWalls().Take(4), items, new Vec2(x, y), angle);

    private static float[] Inputs(CritterMemory m, World w)
    {
        var x = new float[CritterMemory.Inputs];
        m.Write(w, x);
        return x;
    }

    [Fact]
    public void A_fresh_memory_finds_everything_stale_and_looking_refreshes_only_what_lies_ahead()
    {
        var w = Open([]);
        var m = new CritterMemory();
        var before = Inputs(m, w);
        Assert.All(before[..CritterMemory.Sectors], s => Assert.Equal(1f, s));
        Assert.Equal([1f, 0f, 0f], before[CritterMemory.Sectors..]); // no apple remembered

        w.Sense();
        double novelty = m.Update(w);
        // Every cell within 85 px in the fan −0.75 … +1.25 rad was never seen: novelty counts them, each at staleness 1.
        int inFan = 0;
        for (double cx = 10; cx < 700; cx += 20)
            for (double cy = 10; cy < 500; cy += 20)
            {
                var v = new Vec2(cx - 350, cy - 250);
                double b = Math.Atan2(v.X, v.Y);
                if (v.Length <= Critter.EyeRange && b >= -0.75 && b <= 1.25) inFan++;
            }
        Assert.Equal(inFan, novelty, 9);
        Assert.Equal(0, m.Update(w)); // the same tick again: nothing stale left in view

        var after = Inputs(m, w);
        Assert.True(after[0] < 0.8f, $"ahead: {after[0]}");   // the sector ahead holds the cells just seen
        Assert.Equal(1f, after[4]);                            // behind: unseen
        Assert.Equal(1f, after[6]);                            // −90°: outside the fan (it reaches −0.75 rad)
        Assert.True(after[1] < 1f && after[2] < 1f);           // +45° and +90° overlap the fan's +1.25 rad side
    }

    [Fact]
    public void Staleness_grows_as_one_minus_exp_of_the_ticks_since_over_tau()
    {
        var start = Open([]);
        var m = new CritterMemory();
        start.Sense();
        double first = m.Update(start); // clock 0: every cell in view, never seen, staleness 1
        // The same pose 500 ticks later: each of those cells is 1 − e^(−500/τ) stale.
        // (30 poisons far off along the bottom wall: a world short of items spawns them, and a new one could block an eye.)
        var later = Open([.. Enumerable.Range(0, World.MaxItems).Select(i => new Item(new Vec2(40 + 20 * i, 470), Sensed.Poison, 0))]);
        for (int t = 0; t < 500; t++) later.Step(3);
        Assert.Equal(World.MaxItems, later.Items.Count);
        later.Critter.Position = new Vec2(350, 250);
        later.Critter.Angle = 0;
        later.Sense();
        Assert.Equal(500, later.Clock);
        Assert.Equal(first * (1 - Math.Exp(-500 / CritterMemory.Tau)), m.Update(later), 6);
    }

    [Fact]
    public void An_apple_seen_is_remembered_where_it_lies_until_eaten_or_missed()
    {
        var apple = new Item(new Vec2(350, 310), Sensed.Apple, 0); // 60 px straight ahead
        var w = Open([apple]);
        var m = new CritterMemory();
        w.Sense();
        m.Update(w);
        var a = Assert.Single(m.Apples);
        Assert.True(a.DistanceTo(apple.Position) < 3, $"remembered at {a}");
        var x = Inputs(m, w);
        Assert.Equal(60f / 300, x[CritterMemory.Sectors], 1);
        Assert.Equal(0f, x[CritterMemory.Sectors + 1], 1);  // sin of the bearing: ahead
        Assert.Equal(1f, x[CritterMemory.Sectors + 2], 2);  // cos

        // Turned away (heading π: looking up the screen) it still knows the apple, now behind it.
        var turned = Open([apple], angle: Math.PI);
        turned.Sense();
        m.Update(turned);
        Assert.Single(m.Apples);
        Assert.Equal(-1f, Inputs(m, turned)[CritterMemory.Sectors + 2], 2);

        // Looking at the place from 60 px again with the apple gone: forgotten.
        var gone = Open([]);
        gone.Sense();
        m.Update(gone);
        Assert.Empty(m.Apples);
        Assert.Equal([1f, 0f, 0f], Inputs(m, gone)[CritterMemory.Sectors..]);

        // Coming within 20 px of a remembered apple forgets it too (eaten, or not there).
        var m3 = new CritterMemory();
        w.Sense();
        m3.Update(w);
        var near = Open([], angle: Math.PI, x: 350, y: 300); // 10 px from it, facing away
        near.Sense();
        m3.Update(near);
        Assert.Empty(m3.Apples);
    }

    [Fact]
    public void A_simulation_gives_a_brain_with_memory_its_inputs_and_novelty_and_one_without_neither()
    {
        var with = new DqnAgent(DqnOptions.Best with { Memory = true }, 5);
        Assert.Equal(Critter.Inputs + CritterMemory.Inputs, with.Inputs);
        Assert.Equal(38 + 2 * (38 + 5), with.Options.NetInputs());
        var sim = new Simulation(new World(9), with);
        Assert.NotNull(sim.Memory);
        Assert.Equal(38, sim.Observation.Length);
        double novelty = 0;
        for (int t = 0; t < 200; t++) novelty += sim.Tick().Novelty;
        Assert.True(novelty > 50, $"novelty {novelty}");
        Assert.Equal(sim.Observation[..Critter.Inputs].ToArray(), Eyes(sim.World));

        var without = new Simulation(new World(9), new DqnAgent(DqnOptions.Best with { Memory = false }, 5));
        Assert.Null(without.Memory);
        Assert.Equal(27, without.Observation.Length);
        for (int t = 0; t < 50; t++) Assert.Equal(0, without.Tick().Novelty);

        static float[] Eyes(World w)
        {
            var x = new float[Critter.Inputs];
            w.Critter.WriteInputs(x);
            return x;
        }
    }

    [Fact]
    public void The_learner_is_paid_for_novelty_only_when_asked_and_only_with_a_memory()
    {
        var o = DqnOptions.Best with { Memory = true, NoveltyWeight = 0.25f, NSteps = 1, TemporalWindow = 0 };
        Assert.False(o.WorldReward);
        var agent = new DqnAgent(o, 1);
        var x = Enumerable.Repeat(1f, o.Observations).ToArray();
        agent.Act(x);
        agent.Observe(new TickResult(1.1, 0, 0) { Proximity = 1, Forward = 0.1, Novelty = 2 }, x);
        float[] s = new float[o.Observations], n = new float[o.Observations], r = new float[1];
        agent.Memory.Sample(new Rng(1), s, n, new int[1], r);
        Assert.Equal(1.1f + 0.5f, r[0], 5);

        var e = Assert.Throws<ArgumentException>(() => new DqnAgent(DqnOptions.Best with { Memory = false, NoveltyWeight = 0.1f }, 1));
        Assert.Contains("NoveltyWeight needs a memory", e.Message);
        Assert.Throws<ArgumentException>(() => DqnOptions.Best with { NoveltyWeight = -1f });
    }

    [Fact]
    public void A_brain_file_says_whether_it_has_a_memory_and_loads_with_it()
    {
        var dir = Directory.CreateTempSubdirectory("theta-memory-");
        try
        {
            var path = Path.Combine(dir.FullName, "b.theta");
            var agent = new DqnAgent(DqnOptions.Best with { Memory = true }, 3);
            BrainFile.Save(agent, path);
            var (net, window, memory) = BrainFile.Read(path);
            Assert.True(memory);
            Assert.Equal(2, window);
            Assert.Equal(124, DqnAgent.Layers(net)[0].InFeatures);
            var back = BrainFile.Load(path, 1, DqnOptions.Best);
            Assert.True(back.Options.Memory);
            Assert.Equal(38, new Simulation(new World(1), back).Observation.Length);

            // A brain without memory loads without, even under options that ask for it (the file decides).
            var plain = Path.Combine(dir.FullName, "p.theta");
            BrainFile.Save(new DqnAgent(DqnOptions.Best with { Memory = false }, 3), plain);
            Assert.False(BrainFile.Load(plain, 1, DqnOptions.Best with { Memory = true, NoveltyWeight = 0.2f }).Options.Memory);

            // A file that says it has a memory around a network for the eyes alone: refused, naming both sizes.
            var liar = Path.Combine(dir.FullName, "liar.theta");
            var plainModel = NetworkFile.Read(plain);
            NetworkFile.Save(plainModel.Network, liar, plainModel.Metadata with { Extra = new Dictionary<string, string>(plainModel.Metadata.Extra!) { ["memory"] = "true" } });
            Assert.Contains("takes 91 inputs, but a critter with temporal window 2 and memory gives 124", Assert.Throws<ModelFormatException>(() => BrainFile.Read(liar)).Message);

            // A file whose memory flag is neither true nor false: named.
            var model = NetworkFile.Read(path);
            var extra = new Dictionary<string, string>(model.Metadata.Extra!) { ["memory"] = "maybe" };
            var bad = Path.Combine(dir.FullName, "bad.theta");
            NetworkFile.Save(model.Network, bad, model.Metadata with { Extra = extra });
            var e = Assert.Throws<ModelFormatException>(() => BrainFile.Read(bad));
            Assert.Contains("bad.theta", e.Message);
            Assert.Contains("\"memory\" must be true or false", e.Message);
        }
        finally { dir.Delete(true); }
    }
}
