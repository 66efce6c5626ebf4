using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;

// A/B timing of two builds of the critter's learner in one process: each build (a folder holding its Theta.Rl.dll,
// Theta.dll and System.Numerics.Tensors.dll) is loaded in its own AssemblyLoadContext, and the two are timed in short
// alternating slices (old, new, new, old, ...) of learning steps and of whole ticks, so that a busy machine's load
// swings fall on both alike (timing one process after the other swung by 2x on the shared 2-vCPU machine).
// Build each side with: git worktree add --detach /tmp/a REV && dotnet build /tmp/a/src/Theta.Rl -c Release -o /tmp/a-out -p:CopyLocalLockFileAssemblies=true
// Run: dotnet run -c Release --project bench/CritterAb -- OLD_DIR NEW_DIR reference|best SLICES STEPS   (docs/benchmarks.md, the critter's Speed)
if (args.Length != 5) { Console.Error.WriteLine("usage: CritterAb OLD_DIR NEW_DIR reference|best SLICES STEPS"); return 2; }
string preset = args[2];
int rounds = int.Parse(args[3]), steps = int.Parse(args[4]);
var engines = new[] { ("old", Load(args[0], preset)), ("new", Load(args[1], preset)) };
var learnUs = new Dictionary<string, List<double>> { ["old"] = [], ["new"] = [] };
var tickUs = new Dictionary<string, List<double>> { ["old"] = [], ["new"] = [] };
for (int r = 0; r < rounds; r++)
{
    var order = r % 2 == 0 ? engines : engines.Reverse().ToArray();
    foreach (var (name, e) in order)
    {
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++) e.Learn();
        learnUs[name].Add(sw.Elapsed.TotalMicroseconds / steps);
        sw.Restart();
        for (int i = 0; i < steps; i++) e.Tick();
        tickUs[name].Add(sw.Elapsed.TotalMicroseconds / steps);
    }
}
double Med(List<double> v) { var s = v.OrderBy(x => x).ToList(); return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2; }
var ratios = Enumerable.Range(0, rounds).Select(i => learnUs["new"][i] / learnUs["old"][i]).ToList();
Console.WriteLine($"{preset}: learning step old {Med(learnUs["old"]):F1} µs, new {Med(learnUs["new"]):F1} µs (median of {rounds} slices of {steps}); median per-round ratio new/old {Med(ratios):F3}; " +
    $"whole tick while learning old {Med(tickUs["old"]):F1} µs ({1e6 / Med(tickUs["old"]):F0} ticks/s), new {Med(tickUs["new"]):F1} µs ({1e6 / Med(tickUs["new"]):F0} ticks/s)");
return 0;

static (Func<double> Learn, Action Tick) Load(string dir, string preset)
{
    var alc = new DirContext(dir);
    var rl = alc.LoadFromAssemblyPath(Path.Combine(dir, "Theta.Rl.dll"));
    var optT = rl.GetType("Theta.Rl.DqnOptions")!;
    var o = optT.GetProperty(preset == "best" ? "Best" : "Reference")!.GetValue(null);
    var agent = Activator.CreateInstance(rl.GetType("Theta.Rl.DqnAgent")!, o, 1UL)!;
    var world = Activator.CreateInstance(rl.GetType("Theta.Rl.World")!, 2UL)!;
    var sim = Activator.CreateInstance(rl.GetType("Theta.Rl.Simulation")!, world, agent)!;
    var tick = sim.GetType().GetMethod("Tick")!;
    Action t = () => tick.Invoke(sim, null);
    for (int i = 0; i < 4000; i++) t(); // memory past LearnStart, about 3,000 learning steps of warm-up
    return ((Func<double>)Delegate.CreateDelegate(typeof(Func<double>), agent, "Learn"), t);
}

sealed class DirContext(string dir) : AssemblyLoadContext(isCollectible: false)
{
    protected override Assembly? Load(AssemblyName name)
    {
        var p = Path.Combine(dir, name.Name + ".dll");
        return File.Exists(p) ? LoadFromAssemblyPath(p) : null;
    }
}
