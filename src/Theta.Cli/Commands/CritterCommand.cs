using Theta.Rl;

namespace Theta.Cli.Commands;

/// <summary>
/// <c>theta critter train --ticks 400000 --seed S --out brain.theta [--preset best|reference]</c> and
/// <c>theta critter eval --brain B --ticks 20000 [--epsilon 0.05] [--json]</c>: the deep Q-learning critter of
/// ConvNetJS's rldemo (<see cref="Theta.Rl"/>), trained headless and tested against the random and always-straight policies.
/// </summary>
internal static class CritterCommand
{
    public static Command Create()
    {
        var cmd = new Command("critter", "The rldemo critter: a deep Q-learning agent that learns to eat red apples and avoid green poison.")
        {
            TrainCreate(),
            EvalCreate(),
        };
        return cmd;
    }

    private static Command TrainCreate()
    {
        var ticks = new Option<long>("--ticks") { Description = "Training ticks (one learning step each).", DefaultValueFactory = _ => 400_000 };
        var seed = new Option<ulong>("--seed") { Description = "Seeds the network, exploration and replay (the world takes seed + 1).", DefaultValueFactory = _ => 1UL };
        var output = new Option<string?>("--out") { Description = "Save the trained brain here (a Theta network file)." };
        var preset = new Option<string>("--preset") { Description = "best (Theta's settings) or reference (ConvNetJS's rldemo learner).", DefaultValueFactory = _ => "best" };
        var gamma = new Option<float?>("--gamma") { Description = "Override the discount γ in [0, 1)." };
        var lr = new Option<float?>("--lr") { Description = "Override the learning rate." };
        var window = new Option<int?>("--window") { Description = "Override the temporal window (past observation-action pairs in the input)." };
        var nsteps = new Option<int?>("--nsteps") { Description = "Override the n of n-step returns." };
        var epsSteps = new Option<int?>("--epsilon-steps") { Description = "Override the tick at which ε reaches its floor." };
        var shapeApple = new Option<float?>("--shape-apple") { Description = "Reward shaping for the learner: the apple coefficient of the potential (0 = off)." };
        var shapePoison = new Option<float?>("--shape-poison") { Description = "Reward shaping for the learner: the poison coefficient of the potential (0 = off)." };
        var memory = new Option<bool?>("--memory") { Description = "Give the critter a memory: 11 more inputs, where it has not looked lately and the nearest apple it saw (true or false)." };
        var novelty = new Option<float?>("--novelty-weight") { Description = "The learner's reward per unit of novelty, the staleness of the floor it looks at (needs a memory; 0 = off)." };
        var dueling = new Option<bool?>("--dueling") { Description = "Learn through a dueling head, Q = V + A − mean A (true or false)." };
        var average = new Option<float?>("--average-weights") { Description = "τ of a running average of the weights that training validates and ends with (0 = off)." };
        var proxWeight = new Option<float?>("--proximity-weight") { Description = "The learner's weight on the world's proximity reward (the world's: 1; the test figures are unchanged)." };
        var fwdWeight = new Option<float?>("--forward-weight") { Description = "The learner's weight on the world's forward bonus (the world's: 1)." };
        var appleReward = new Option<float?>("--apple-reward") { Description = "The learner's reward per apple (the world's: 5)." };
        var poisonReward = new Option<float?>("--poison-reward") { Description = "The learner's reward per poison, zero or negative (the world's: -6)." };
        var budget = new Option<float?>("--poison-budget") { Description = "Poisons per 1,000 greedy ticks the learner holds itself to: its poison penalty becomes a Lagrange multiplier that rises while it eats more and falls while it eats less (0 = off)." };
        var ratio = new Option<float?>("--apples-per-poison") { Description = "The poison budget as a ratio instead (with --poison-budget 0): at least this many apples per poison (0 = off, else at least 1)." };
        var selectBy = new Option<SelectionScore?>("--select-by") { Description = "What choosing the brain by validation maximises: Reward or Items (5 per apple − 6 per poison)." };
        var selectPoison = new Option<float?>("--select-poison") { Description = "What a poison costs in the items' score that chooses the brain (5 per apple − this per poison; the world's: 6)." };
        var selectWorlds = new Option<int?>("--select-worlds") { Description = "Validation worlds whose mean score chooses the brain (1..64)." };
        var selectTicks = new Option<int?>("--select-ticks") { Description = "Ticks of each validation test (per world)." };
        var selectKeep = new Option<int?>("--select-keep") { Description = "Keep the mean of this many best-validated checkpoints, folded into one network (1 = the best alone)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object: the options, the learning curve and the time taken." };
        var plot = new Option<string?>("--plot") { Description = "Draw the run to this .png or .svg file: apples and poison per 10,000 training ticks, and each validated checkpoint's apples as a share of oracle-8's in test worlds 1-3 (20,000 ticks, ε = 0.05)." };
        var cmd = new Command("train", "Train a critter from scratch; the learning curve per 10,000 ticks at the end.")
        {
            ticks, seed, output, preset, gamma, lr, window, nsteps, epsSteps, shapeApple, shapePoison, proxWeight, fwdWeight, appleReward, poisonReward, budget, ratio, memory, novelty, dueling, average, selectBy, selectPoison, selectWorlds, selectTicks, selectKeep, json, plot,
        };
        cmd.SetAction(p =>
        {
            long n = p.GetValue(ticks);
            if (n <= 0) throw new ArgumentException($"--ticks must be positive, got {n}");
            var o = p.GetValue(preset) switch
            {
                "best" => DqnOptions.Best,
                "reference" => DqnOptions.Reference,
                var other => throw new ArgumentException($"--preset: '{other}' is not best or reference"),
            };
            if (p.GetValue(gamma) is float g) o = o with { Gamma = g };
            if (p.GetValue(lr) is float rate) o = o with { LearningRate = rate };
            if (p.GetValue(window) is int w) o = o with { TemporalWindow = w };
            if (p.GetValue(nsteps) is int ns) o = o with { NSteps = ns };
            if (p.GetValue(epsSteps) is int es) o = o with { EpsilonSteps = es };
            if (p.GetValue(shapeApple) is float sa) o = o with { ShapeApple = sa };
            if (p.GetValue(shapePoison) is float sp) o = o with { ShapePoison = sp };
            if (p.GetValue(proxWeight) is float pw) o = o with { ProximityWeight = pw };
            if (p.GetValue(fwdWeight) is float fw) o = o with { ForwardWeight = fw };
            if (p.GetValue(appleReward) is float ar) o = o with { AppleReward = ar };
            if (p.GetValue(poisonReward) is float pr) o = o with { PoisonReward = pr };
            if (p.GetValue(budget) is float ap) o = o with { PoisonBudget = ap };
            if (p.GetValue(ratio) is float k) o = o with { ApplesPerPoison = k };
            if (p.GetValue(memory) is bool me) o = o with { Memory = me };
            if (p.GetValue(novelty) is float nw) o = o with { NoveltyWeight = nw };
            if (p.GetValue(dueling) is bool du) o = o with { Dueling = du };
            if (p.GetValue(average) is float tau) o = o with { AverageWeights = tau };
            if (p.GetValue(selectBy) is SelectionScore sb) o = o with { SelectBy = sb };
            if (p.GetValue(selectPoison) is float spo) o = o with { SelectPoison = spo };
            if (p.GetValue(selectWorlds) is int sw) o = o with { SelectWorlds = sw };
            if (p.GetValue(selectTicks) is int st) o = o with { SelectTicks = st };
            if (p.GetValue(selectKeep) is int sk) o = o with { SelectKeep = sk };
            o.Validate();
            string? outPath = p.GetValue(output);
            string? plotPath = p.GetValue(plot);
            OutputPaths.Check(("--out", outPath), ("--plot", plotPath));
            if (plotPath is not null) Pictures.IsSvg(plotPath); // a bad extension fails before training
            bool asJson = p.GetValue(json);
            ulong s = p.GetValue(seed);

            var clock = System.Diagnostics.Stopwatch.StartNew();
            TrainingRun? result = null;
            if (asJson) result = CritterTraining.Train(o, s, n);
            else if (!AnsiConsole.Profile.Capabilities.Interactive)
                result = CritterTraining.Train(o, s, n, progress: pt => Console.Error.WriteLine(Describe(pt, n, o.HasPoisonBudget)));
            else
            {
                AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .Start(ctx =>
                    {
                        var task = ctx.AddTask("critter", maxValue: n);
                        var last = default(RunTotals);
                        var lastTime = clock.Elapsed.TotalSeconds;
                        result = CritterTraining.Train(o, s, n, tick: (t, sim) =>
                        {
                            if (t % 1000 != 0 && t != n) return;
                            double now = clock.Elapsed.TotalSeconds;
                            var win = sim.Totals - last;
                            var agent = (DqnAgent)sim.Brain;
                            task.Value = t;
                            task.Description = Describe(new CurvePoint(t, win, agent.Epsilon, win.Ticks / Math.Max(1e-9, now - lastTime)) { PoisonPenalty = agent.PoisonPenalty }, n, o.HasPoisonBudget);
                            (last, lastTime) = (sim.Totals, now);
                        });
                    });
            }
            double seconds = clock.Elapsed.TotalSeconds;
            var (trained, curve, selectedTick) = result!;
            if (plotPath is not null) Plot(plotPath, result, s);
            if (outPath is not null) BrainFile.Save(trained, outPath, n);

            if (asJson)
            {
                Console.WriteLine(new JsonObject
                {
                    ["options"] = BrainFile.Describe(o),
                    ["ticks"] = n,
                    ["seed"] = s,
                    ["seconds"] = seconds,
                    ["ticksPerSecond"] = n / seconds,
                    ["selectedTick"] = selectedTick,
                    ["selectedTicks"] = new JsonArray([.. result.SelectedTicks.Select(x => (JsonNode)x)]),
                    ["curve"] = new JsonArray([.. curve.Select(pt => (JsonNode)new JsonObject
                    {
                        ["ticks"] = pt.Ticks, ["epsilon"] = pt.Epsilon, ["rewardPerTick"] = pt.Window.RewardPerTick,
                        ["apples"] = pt.Window.Apples, ["poison"] = pt.Window.Poison, ["ticksPerSecond"] = pt.TicksPerSecond, ["poisonPenalty"] = pt.PoisonPenalty,
                    })]),
                }.ToJsonString());
                return 0;
            }
            var t = Report.Table($"critter learning curve ({Markup.Escape(p.GetValue(preset)!)} settings, seed {s})", [], "ticks", "ε", "reward/tick", "apples", "poison", "ticks/s");
            foreach (var pt in curve)
                t.AddRow($"{pt.Ticks:N0}", Report.F(pt.Epsilon, "0.000"), Report.F(pt.Window.RewardPerTick, "0.000"), $"{pt.Window.Apples}", $"{pt.Window.Poison}", $"{pt.TicksPerSecond:N0}");
            AnsiConsole.Write(t);
            if (o.SelectEvery > 0)
                AnsiConsole.MarkupLine(result.SelectedTicks.Count == 1
                    ? $"kept the weights of tick {selectedTick:N0} (the best validation {ScoreName(o)})"
                    : $"kept the mean of the {result.SelectedTicks.Count} checkpoints with the best validation {ScoreName(o)}, ticks {string.Join(", ", result.SelectedTicks.Select(x => x.ToString("N0", CultureInfo.InvariantCulture)))}");
            AnsiConsole.MarkupLine($"{n:N0} ticks in {seconds:0.0} s ([bold]{n / seconds:N0} ticks/s[/], validation included)" + (outPath is not null ? $"; brain saved to [bold]{Markup.Escape(outPath)}[/]" : ""));
            return 0;
        });
        return cmd;
    }

    private static Command EvalCreate()
    {
        var brain = new Option<string>("--brain") { Description = "A brain written by theta critter train.", Required = true };
        var ticks = new Option<long>("--ticks") { Description = "Test ticks per policy.", DefaultValueFactory = _ => 20_000 };
        var epsilon = new Option<double>("--epsilon") { Description = "The brain's random-action probability while tested.", DefaultValueFactory = _ => 0.05 };
        var seed = new Option<ulong>("--seed") { Description = "Seeds the test world (the same for every policy) and the random choices.", DefaultValueFactory = _ => 1UL };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var cmd = new Command("eval", "Test a trained brain against a uniformly random and an always-straight policy: apples, poison, reward per tick; and the apples an oracle gets in the same world (the ceiling), without poison (oracle) and allowed one poison per 8 apples (oracle-8).")
        {
            brain, ticks, epsilon, seed, json,
        };
        cmd.SetAction(p =>
        {
            long n = p.GetValue(ticks);
            if (n <= 0) throw new ArgumentException($"--ticks must be positive, got {n}");
            double eps = p.GetValue(epsilon);
            if (!(eps is >= 0 and <= 1)) throw new ArgumentException($"--epsilon must be in [0, 1], got {eps}");
            var agent = BrainFile.Load(p.GetValue(brain)!, p.GetValue(seed));
            var results = CritterTraining.Evaluate(agent, n, eps, p.GetValue(seed));
            // Each policy's apples as a share of oracle-8's in the same world (the ceiling of issue 16's targets).
            long ceiling = results.Single(r => r.Policy == "oracle-8").Totals.Apples;
            double? Share(EvaluationResult r) => ceiling > 0 ? (double)r.Totals.Apples / ceiling : null;
            if (p.GetValue(json))
            {
                var o = new JsonObject { ["ticks"] = n, ["epsilon"] = eps, ["seed"] = p.GetValue(seed) };
                foreach (var r in results)
                    o[r.Policy] = new JsonObject
                    {
                        ["apples"] = r.Totals.Apples, ["poison"] = r.Totals.Poison, ["rewardPerTick"] = r.Totals.RewardPerTick,
                        ["applesPerPoison"] = double.IsInfinity(r.Totals.ApplesPerPoison) ? null : r.Totals.ApplesPerPoison,
                        ["ofOracle8"] = Share(r),
                    };
                Console.WriteLine(o.ToJsonString());
                return 0;
            }
            var t = Report.Table($"{n:N0} test ticks (brain at ε = {eps:0.###}, world seed {p.GetValue(seed)})", ["policy"], "apples", "of oracle-8", "poison", "apples/poison", "reward/tick");
            foreach (var r in results)
                t.AddRow(r.Policy, $"{r.Totals.Apples}", Share(r) is double s ? Report.F(100 * s, "0") + " %" : "n/a", $"{r.Totals.Poison}",
                    double.IsInfinity(r.Totals.ApplesPerPoison) ? "∞" : Report.F(r.Totals.ApplesPerPoison, "0.0"), Report.F(r.Totals.RewardPerTick));
            AnsiConsole.Write(t);
            return 0;
        });
        return cmd;
    }

    // Left: apples and poison per window of training. Right: each checkpoint's (and the kept brain's) share of oracle-8.
    private static void Plot(string path, TrainingRun run, ulong seed)
    {
        double[] x = [.. run.Curve.Select(c => (double)c.Ticks)];
        var counts = new List<Curve>
        {
            new("apples", x, [.. run.Curve.Select(c => (double)c.Window.Apples)]),
            new("poison", x, [.. run.Curve.Select(c => (double)c.Window.Poison)]),
        };
        ulong[] worlds = [1, 2, 3];
        var o = run.Agent.Options;
        var shares = new List<Curve>();
        if (run.Checkpoints.Count > 0)
        {
            var each = CritterTraining.MeanShareOfOracle8(o, [.. run.Checkpoints.Select(c => c.Network)], worlds, 20_000, 0.05);
            shares.Add(new("each checkpoint", [.. run.Checkpoints.Select(c => (double)c.Tick)], [.. each.Select(v => 100 * v)]));
        }
        var kept = CritterTraining.MeanShareOfOracle8(o, [run.Agent.Network], worlds, 20_000, 0.05)[0];
        shares.Add(new(run.SelectedTicks.Count > 1 ? $"the brain kept ({run.SelectedTicks.Count} checkpoints)" : "the brain kept", [run.SelectedTick], [100 * kept]));
        Charts.TrainingCurves(path, $"critter, seed {seed}", counts, shares, "apples and poison per window", "training ticks", "% of oracle-8 (test worlds 1-3)");
    }

    private static string ScoreName(DqnOptions o) => (o.SelectBy == SelectionScore.Reward ? "reward" : $"items' score (5 per apple − {o.SelectPoison.ToString("0.##", CultureInfo.InvariantCulture)} per poison)") + (o.SelectWorlds > 1 ? $" over {o.SelectWorlds} worlds" : "");

    // One progress line: the window's ticks/s, reward per tick, and apples and poison per 1,000 ticks.
    private static string Describe(CurvePoint p, long total, bool budget) => string.Create(CultureInfo.InvariantCulture,
        $"critter {p.Ticks:N0}/{total:N0} ticks  {p.TicksPerSecond:N0} ticks/s  ε {p.Epsilon:0.000}  reward {p.Window.RewardPerTick:0.000}/tick  {1000.0 * p.Window.Apples / p.Window.Ticks:0.0} apples {1000.0 * p.Window.Poison / p.Window.Ticks:0.0} poison per 1,000")
        + (budget ? string.Create(CultureInfo.InvariantCulture, $"  poison penalty {p.PoisonPenalty:0.00}") : "");
}
