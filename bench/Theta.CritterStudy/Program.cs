using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Theta.CritterStudy;
using Theta.Rl;

// Issue 16's critter study; every test is 20,000 ticks in test worlds as `theta critter eval --seed W` runs them.
//   train NAME TICKS SEEDS [key=value …]   train each seed (DqnOptions.Best with the changes), test the brain in worlds 1–3: one JSON line a seed;
//                                          with all=1 every validated checkpoint is tested in worlds 1–3 too (its apples and poison in each)
//   fates BRAIN WORLD                      what becomes of every apple in a test of BRAIN (ε = 0.05)
//   mover WORLDS [APPLES_PER_POISON] [ε] [all|seen|inview]   the moving critter (MovingCritter) against oracle-8: all-knowing, or knowing the apples it has seen, or those in view
//   curve OUT.png RUNS.jsonl …              from train … all=1 lines: the mean share of oracle-8 of the checkpoint at each tick and of the brain a
//                                          run of that length keeps (by its validation scores), and the worst run; a table on stdout
//   noise BRAIN|seen:K|all:K WORLDS N          the same policy tested N times in each world, its random actions drawn from seeds 1..N:
//                                          the spread of one test's share of oracle-8 (BRAIN a brain file; seen / all the planners allowed a poison per K apples, inf none)
//   speed                                  test ticks/s of an untrained brain without and with memory
//   reactive WORLDS WALL POISON SPREAD MARGIN   the hand-written rule from the eyes (ReactiveRule) against oracle-8
// WORLDS and SEEDS: comma-separated, or a range a-b.
const long TestTicks = 20_000;
const double TestEpsilon = 0.05;
if (args.Length < 1 || args.Length < 2 && args[0] != "speed") { Console.Error.WriteLine("usage: train NAME TICKS SEEDS [key=value …] | fates BRAIN WORLD | mover WORLDS [APP] [ε] | reactive WORLDS WALL POISON SPREAD MARGIN"); return 1; }
switch (args[0])
{
    case "train": Train(args[1], long.Parse(args[2], CultureInfo.InvariantCulture), Seeds(args[3]), args[4..]); break;
    case "fates": Fates(args[1], ulong.Parse(args[2], CultureInfo.InvariantCulture)); break;
    case "mover":
        Against(Seeds(args[1]), w =>
        {
            var world = new World(w);
            var brain = new MovingCritter(world, args.Length > 2 ? Num(args[2]) : 8, args.Length > 3 ? Num(args[3]) : TestEpsilon, w + 7,
                args.Length > 4 ? Enum.Parse<Knowledge>(args[4], ignoreCase: true) : Knowledge.All);
            var sim = new Simulation(world, brain);
            for (long t = 0; t < TestTicks; t++) sim.Tick();
            return sim.Totals;
        });
        break;
    case "reactive":
        Against(Seeds(args[1]), w => Simulation.Run(new ReactiveRule(TestEpsilon, w + 7, Num(args[2]), Num(args[3]), int.Parse(args[4], CultureInfo.InvariantCulture), (float)Num(args[5])), w, TestTicks));
        break;
    case "curve": Curve(args[1], args[2..]); break;
    case "noise": Noise(args[1], Seeds(args[2]), int.Parse(args[3], CultureInfo.InvariantCulture)); break;
    case "speed": // test ticks per second of an untrained brain, learning off, without and with memory
        foreach (bool memory in new[] { false, true, false, true })
        {
            var agent = new DqnAgent(DqnOptions.Best with { Memory = memory }, 1) { Learning = false };
            var clock = Stopwatch.StartNew();
            Simulation.Run(agent, 1, TestTicks);
            Console.WriteLine($"memory {memory}: {TestTicks / clock.Elapsed.TotalSeconds:N0} test ticks/s");
        }
        {
            var world = new World(1);
            var mem = new CritterMemory();
            var rng = new Theta.Rng(1);
            var x = new float[CritterMemory.Inputs];
            var (up, wr) = (new Stopwatch(), new Stopwatch());
            for (int t = 0; t < 4 * TestTicks; t++)
            {
                world.Sense();
                world.Step(rng.NextDouble() < 0.8 ? 0 : rng.NextInt(5));
                up.Start(); mem.Update(world); up.Stop();
                wr.Start(); mem.Write(world, x); wr.Stop();
            }
            Console.WriteLine($"Update {up.Elapsed.TotalMicroseconds / (4 * TestTicks):F2} µs, Write {wr.Elapsed.TotalMicroseconds / (4 * TestTicks):F2} µs a tick");
        }
        break;
    default: Console.Error.WriteLine($"unknown command '{args[0]}'"); return 1;
}
return 0;

static double Num(string s) => double.Parse(s, CultureInfo.InvariantCulture);

static ulong[] Seeds(string s)
{
    if (s.Split('-') is not [var from, var to]) return [.. s.Split(',').Select(x => ulong.Parse(x, CultureInfo.InvariantCulture))];
    int a = int.Parse(from, CultureInfo.InvariantCulture), b = int.Parse(to, CultureInfo.InvariantCulture);
    return [.. Enumerable.Range(a, b - a + 1).Select(i => (ulong)i)];
}

static double Oracle8(ulong world) => AppleOracle.Run(world, TestTicks, applesPerPoison: 8).Apples;

// Each world's apples and poison, its share of oracle-8, and the summary: mean share, worst, runs under 70 % and under 8 apples per poison.
static void Against(ulong[] worlds, Func<ulong, RunTotals> run)
{
    var shares = new List<(double Share, RunTotals T)>();
    foreach (var w in worlds)
    {
        var t = run(w);
        double ceiling = Oracle8(w);
        double share = t.Apples / ceiling;
        shares.Add((share, t));
        Console.WriteLine($"world {w}: {t.Apples} apples, {t.Poison} poison; oracle-8 {ceiling}; share {share:P0}");
    }
    Console.WriteLine($"mean share {shares.Average(s => s.Share):P1}, worst {shares.Min(s => s.Share):P0}, under 70 %: {shares.Count(s => s.Share < 0.7)} of {shares.Count}, "
        + $"under 8 apples per poison: {shares.Count(s => s.T.Apples < 8 * s.T.Poison)}, mean poison {shares.Average(s => s.T.Poison):F1}");
}

static void Train(string name, long ticks, ulong[] seeds, string[] changes)
{
    var o = DqnOptions.Best;
    bool testAll = false;
    foreach (var kv in changes)
    {
        int eq = kv.IndexOf('=');
        string k = kv[..eq], v = kv[(eq + 1)..];
        float f = k == "hidden" ? 0 : float.Parse(v, CultureInfo.InvariantCulture);
        if (k == "all") { testAll = f != 0; continue; }
        o = k switch
        {
            "prox" => o with { ProximityWeight = f },
            "memory" => o with { Memory = f != 0 },
            "delta" => o with { HuberDelta = f },
            "selectpoison" => o with { SelectPoison = f },
            "budget" => o with { PoisonBudget = f },
            "ratio" => o with { ApplesPerPoison = f },
            "ceiling" => o with { BudgetCeiling = f },
            "gamma" => o with { Gamma = f },
            "nsteps" => o with { NSteps = (int)f },
            "selectkeep" => o with { SelectKeep = (int)f },
            "budgetrate" => o with { BudgetRate = f },
            "budgetwindow" => o with { BudgetWindow = (int)f },
            "novelty" => o with { NoveltyWeight = f },
            "fwd" => o with { ForwardWeight = f },
            "apple" => o with { AppleReward = f },
            "poison" => o with { PoisonReward = f },
            "hidden" => o with { Hidden = [.. v.Split('x').Select(int.Parse)] },
            _ => throw new ArgumentException($"unknown change '{k}' (prox, fwd, apple, poison, hidden, memory, novelty, delta, selectpoison, budget, ratio, ceiling, budgetrate, budgetwindow, gamma, nsteps, selectkeep)"),
        };
    }
    ulong[] worlds = [1, 2, 3];
    var ceilings = worlds.Select(Oracle8).ToArray();
    foreach (var seed in seeds)
    {
        var clock = Stopwatch.StartNew();
        var lambdas = new List<double>(); // the budget's λ every 50,000 ticks
        var run = CritterTraining.Train(o, seed, ticks, tick: (t, sim) => { if (t % 50_000 == 0) lambdas.Add(Math.Round(((DqnAgent)sim.Brain).PoisonPenalty, 2)); });
        double seconds = clock.Elapsed.TotalSeconds;
        var tests = new RunTotals[worlds.Length];
        Parallel.For(0, worlds.Length, k => tests[k] = CritterTraining.Evaluate(run.Agent, TestTicks, TestEpsilon, worlds[k])[0].Totals);
        // Every checkpoint in every test world, as Evaluate tests a brain (the world's seed + 7 drives its random actions).
        var each = new RunTotals[testAll ? run.Checkpoints.Count : 0, worlds.Length];
        Parallel.For(0, each.Length, i =>
        {
            int c = i / worlds.Length, k = i % worlds.Length;
            var tested = new DqnAgent(o with { ReplaySize = 1 }, run.Checkpoints[c].Network, worlds[k] + 7) { Learning = false, TestEpsilon = TestEpsilon };
            each[c, k] = Simulation.Run(tested, worlds[k], TestTicks);
        });
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            name, seed, ticks, kept = run.SelectedTick, seconds = Math.Round(seconds, 1), lambdas,
            apples = tests.Select(t => t.Apples), poison = tests.Select(t => t.Poison),
            shares = tests.Select((t, k) => Math.Round(t.Apples / ceilings[k], 4)),
            checkpoints = run.Checkpoints.Select(c => c.Tick), scores = run.Checkpoints.Select(c => Math.Round(c.Score, 1)),
            checkpointApples = Enumerable.Range(0, each.GetLength(0)).Select(c => Enumerable.Range(0, worlds.Length).Select(k => each[c, k].Apples)),
            checkpointPoison = Enumerable.Range(0, each.GetLength(0)).Select(c => Enumerable.Range(0, worlds.Length).Select(k => each[c, k].Poison)),
            changes = string.Join(' ', changes),
        }));
    }
}

// One policy, N tests in each world differing only in the seed of its random (ε) actions: the mean and standard deviation of a
// test's share of oracle-8, its lowest, and how many tests fall under 70 % and under 8 apples per poison.
static void Noise(string policy, ulong[] worlds, int n)
{
    foreach (var w in worlds)
    {
        double ceiling = Oracle8(w);
        var tests = new RunTotals[n];
        Parallel.For(0, n, i =>
        {
            ulong s = (ulong)i + 1;
            if (policy.Split(':') is [var knows and ("seen" or "all"), var app])
            {
                var world = new World(w);
                var sim = new Simulation(world, new MovingCritter(world, app == "inf" ? double.PositiveInfinity : Num(app), TestEpsilon, 1_000_000 + s, Enum.Parse<Knowledge>(knows, ignoreCase: true)));
                for (long t = 0; t < TestTicks; t++) sim.Tick();
                tests[i] = sim.Totals;
            }
            else
            {
                var agent = BrainFile.Load(policy, 1_000_000 + s);
                agent.TestEpsilon = TestEpsilon;
                tests[i] = Simulation.Run(agent, w, TestTicks);
            }
        });
        var shares = tests.Select(t => 100 * t.Apples / ceiling).ToArray();
        double mean = shares.Average(), sd = Math.Sqrt(shares.Sum(x => (x - mean) * (x - mean)) / (n - 1));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{policy} world {w}: {n} tests, share of oracle-8 {mean:F1} % ± {sd:F1} (sd), lowest {shares.Min():F0} %, "
            + $"under 70 %: {shares.Count(x => x < 70)}, poison {tests.Average(t => t.Poison):F1} ± {Math.Sqrt(tests.Sum(t => Math.Pow(t.Poison - tests.Average(u => u.Poison), 2)) / (n - 1)):F1}, under 8 apples per poison: {tests.Count(t => t.Apples < 8 * t.Poison)}, "
            + $"either: {tests.Count(t => t.Apples < 0.7 * ceiling || t.Apples < 8 * t.Poison)}"));
    }
}

// Where the apples go in one test: eaten (where, how old), aged out, left; what lies on the floor; how often an apple is in sight.
static void Fates(string brainPath, ulong w)
{
    var agent = BrainFile.Load(brainPath, w + 7);
    agent.TestEpsilon = TestEpsilon;
    var world = new World(w);
    var sim = new Simulation(world, agent);
    var walls = World.StandardWalls();
    double WallDistance(Vec2 p) => walls.Min(x => MovingCritter.SegmentDistance(p, x.A, x.B));
    static bool InBox(Vec2 p) => (p.X is > 100 and < 300 or > 400 and < 600) && p.Y is > 100 and < 400;
    var eaten = new List<(double Wall, bool Box, int Age)>();
    int agedOut = 0, agedOutNearWall = 0;
    long poisonOnRandom = 0, appleInSight = 0, poisonInSight = 0, straight = 0;
    double applesOnFloor = 0, poisonOnFloor = 0, travelled = 0;
    for (long t = 0; t < TestTicks; t++)
    {
        var before = world.Items.ToList();
        var from = world.Critter.Position;
        var r = sim.Tick();
        travelled += from.DistanceTo(world.Critter.Position);
        if (!agent.LastWasGreedy) poisonOnRandom += r.Poison;
        if (sim.LastAction == Critter.Straight) straight++;
        var eyes = world.Critter.EyeReadings.ToArray();
        if (eyes.Any(e => e.What == Sensed.Apple)) appleInSight++;
        if (eyes.Any(e => e.What == Sensed.Poison)) poisonInSight++;
        var still = world.Items.Select(i => i.Position).ToHashSet();
        foreach (var gone in before.Where(i => i.Kind == Sensed.Apple && !still.Contains(i.Position)))
            if (world.Critter.Position.DistanceTo(gone.Position) < World.ItemRadius + Critter.Radius) eaten.Add((WallDistance(gone.Position), InBox(gone.Position), gone.Age));
            else { agedOut++; if (WallDistance(gone.Position) < 15) agedOutNearWall++; }
        applesOnFloor += world.Items.Count(i => i.Kind == Sensed.Apple);
        poisonOnFloor += world.Items.Count(i => i.Kind == Sensed.Poison);
    }
    var left = world.Items.Where(i => i.Kind == Sensed.Apple).ToList();
    Console.WriteLine($"world {w}: {sim.Totals.Apples} apples, {sim.Totals.Poison} poison ({poisonOnRandom} on a random action); on the floor on average "
        + $"{applesOnFloor / TestTicks:F1} apples and {poisonOnFloor / TestTicks:F1} poisons");
    Console.WriteLine($"  apples eaten at a mean age of {eaten.Average(e => e.Age):F0} ticks ({eaten.Count(e => e.Wall < 15)} within 15 px of a wall, {eaten.Count(e => e.Box)} inside a box); "
        + $"aged out {agedOut} ({agedOutNearWall} within 15 px of a wall); left at the end {left.Count}");
    Console.WriteLine($"  an apple in sight {(double)appleInSight / TestTicks:P0} of ticks, a poison {(double)poisonInSight / TestTicks:P0}; straight {(double)straight / TestTicks:P0}; {travelled / TestTicks:F2} px a tick");
}

// The curve of docs/benchmarks.md: for each validated tick T, the checkpoint at T and the brain a run of length T keeps (the best
// validation score among checkpoints up to T, the earlier on a tie), their shares of oracle-8 in worlds 1–3, over every run given.
static void Curve(string output, string[] files)
{
    ulong[] worlds = [1, 2, 3];
    var ceilings = worlds.Select(Oracle8).ToArray();
    var runs = files.SelectMany(File.ReadLines).Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToList();
    var ticks = runs[0].GetProperty("checkpoints").EnumerateArray().Select(t => t.GetInt64()).ToArray();
    double[] Shares(JsonElement run, int c) => [.. run.GetProperty("checkpointApples")[c].EnumerateArray().Select((a, k) => 100 * a.GetDouble() / ceilings[k])];
    var at = new double[ticks.Length]; var kept = new double[ticks.Length]; var worst = new double[ticks.Length]; var under = new double[ticks.Length];
    for (int i = 0; i < ticks.Length; i++)
    {
        var here = new List<double>(); var chosen = new List<double>();
        foreach (var run in runs)
        {
            here.AddRange(Shares(run, i));
            var scores = run.GetProperty("scores").EnumerateArray().Take(i + 1).Select(s => s.GetDouble()).ToList();
            chosen.AddRange(Shares(run, scores.IndexOf(scores.Max())));
        }
        (at[i], kept[i], worst[i], under[i]) = (here.Average(), chosen.Average(), chosen.Min(), chosen.Count(s => s < 70));
    }
    double[] x = [.. ticks.Select(t => (double)t)];
    Theta.Plots.Charts.TrainingCurves(output, $"{runs.Count} seeds x 3 worlds",
        [new("the checkpoint at that tick", x, at), new("the brain a run that long keeps", x, kept)],
        [new($"worst of the {3 * runs.Count} runs, kept brain", x, worst)],
        "% of oracle-8, mean", "training ticks", "% of oracle-8, worst");
    Console.WriteLine("ticks | checkpoint mean | kept mean | kept worst | kept runs < 70 %");
    for (int i = 0; i < ticks.Length; i += 5) Console.WriteLine($"{ticks[i]:N0} | {at[i]:F1} | {kept[i]:F1} | {worst[i]:F0} | {under[i]}");
}
