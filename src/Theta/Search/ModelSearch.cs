using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Theta.Data;
using Theta.Training;

namespace Theta.Search;

/// <summary>Where a search stands: called after every fold model finishes a rung (from a worker thread, one call at a time).</summary>
/// <param name="Stage">"calibrating", "rung", "final fit" or "done".</param>
/// <param name="Rung">The rung running (0 first).</param>
/// <param name="Rungs">Rungs planned.</param>
/// <param name="Done">Fold models of this rung finished.</param>
/// <param name="Total">Fold models in this rung.</param>
/// <param name="Epochs">The epochs this rung trains to.</param>
/// <param name="Elapsed">Wall time so far.</param>
/// <param name="Budget">The budget.</param>
/// <param name="Leaderboard">Every candidate scored so far, best first (its latest rung).</param>
public sealed record SearchProgress(string Stage, int Rung, int Rungs, int Done, int Total, double Epochs, TimeSpan Elapsed, TimeSpan Budget, IReadOnlyList<CandidateResult> Leaderboard);

/// <summary>
/// Random search over small fully-connected networks and how to train them (<see cref="SearchSpace"/>), scored by
/// k-fold cross-validation on the training data, with successive halving: many candidates train a little, the
/// best 1/η train η times longer, and so on, so the budget goes to the promising ones. Fold models run in
/// parallel, one per worker.
/// <para>Determinism: candidate i is the i-th draw of a generator seeded by <see cref="SearchOptions.Seed"/> and every
/// fold model has its own seed from (seed, i, fold); the wall-clock budget decides the plan once, through the
/// <see cref="CostModel"/>, and the plan is then followed in predicted worker-seconds, never by the clock;
/// results are gathered by candidate and fold, so the leaderboard does not depend on thread timing or the number of
/// workers. With <see cref="SearchOptions.Cost"/> given, two runs with the same seed are identical. The clock only
/// intervenes as a guard (a run about to overshoot its budget stops at the last finished rung, with a warning).</para>
/// <para>Over several processes (<c>group</c>, e.g. the ranks of <c>mpirun -np N theta search</c>): fold model (i, f)
/// trains on rank (i·k + f) mod N in every rung, the ranks' scores are summed by an all-reduce after each rung, and
/// the plan counts the workers of all ranks. Rank 0's calibration, start time and paces are broadcast, so every rank
/// follows one plan; the clock guard is off (one rank's clock must not stop the others). With a given
/// <see cref="SearchOptions.Cost"/> and the same total of workers the leaderboard equals one process's.</para>
/// </summary>
public static class ModelSearch
{
    /// <summary>The fraction of budget × workers the plan spends, leaving room for data preparation and scheduling gaps.</summary>
    public const double PlanFraction = 0.92;

    /// <summary>The fraction of the wall time left that a re-plan between rungs spends (the pace of the next rung is the last one's, a guess).</summary>
    public const double ReplanFraction = 0.96;

    /// <summary>The clock guard stops a rung that would leave the final fit ending past this multiple of the budget.</summary>
    public const double GuardSlack = 1.03;

    /// <summary>Searches for the best network for <paramref name="data"/> within <see cref="SearchOptions.Budget"/>.</summary>
    /// <exception cref="ArgumentException">Too few rows, a budget that cannot fit one candidate, one class.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    /// <param name="group">The processes sharing the search (null: this one alone); every rank calls Run with the same data and options.</param>
    public static SearchResult Run(SearchData data, SearchOptions? options = null, Action<SearchProgress>? progress = null, CancellationToken ct = default,
        ICollectives? group = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var o = options ?? new SearchOptions();
        int saved = ThetaRuntime.Threads;
        // NOTE: the workers are the parallelism; kernels run single-threaded inside them (their results do not depend on it).
        if (o.WorkerCount > 1) ThetaRuntime.Threads = 1;
        try { return new Runner(data, o, progress, ct, group).Run(); }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // A worker's failure, as itself (the first one; the others are usually the same).
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }
        finally { ThetaRuntime.Threads = saved; }
    }

    /// <summary>For measuring the cost model: (config, predicted seconds, measured seconds) of every fold model's rung.</summary>
    internal static Action<CandidateConfig, double, double>? Trace;

    /// <summary>A per-use seed from the search seed and two indices (SplitMix64 finaliser).</summary>
    internal static ulong Mix(ulong seed, ulong a, ulong b = 0)
    {
        ulong z = seed + 0x9E3779B97F4A7C15UL * (a + 1) + 0xBF58476D1CE4E5B9UL * (b + 1);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    internal sealed record Fold(Tensor TrainX, int[]? TrainLabels, Tensor? TrainTargets, Tensor ValX, int[] ValRows, float YMean, float YStd)
    {
        public int TrainRows => TrainX.Shape[0];
        public int ValRowCount => ValRows.Length;
    }

    private sealed class Runner(SearchData data, SearchOptions o, Action<SearchProgress>? progress, CancellationToken ct, ICollectives? group)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly List<string> _warnings = [];
        private readonly object _lock = new();
        // P: the workers of every rank together (the plan's); Local: this process's (its threads).
        private readonly int P = group is null ? o.WorkerCount : (int)Sum(group, o.WorkerCount);
        private readonly int Local = o.WorkerCount;
        private readonly int _outputs = data.Outputs;
        private readonly TrainingLoss _loss = data.Task == SearchTask.Regression ? TrainingLoss.SquaredError : data.Outputs == 1 ? TrainingLoss.Bernoulli : TrainingLoss.CrossEntropy;
        private Fold[] _folds = [];
        private CostModel _cost = null!;

        public SearchResult Run()
        {
            int k = CheckFolds();
            _folds = MakeFolds(k);
            var rng = new Rng(o.Seed);
            var space = o.SpaceOrDefault;
            var configs = Enumerable.Range(0, o.MaxCandidates).Select(_ => space.Sample(rng)).ToArray();

            bool measured = o.Cost is null;
            if (measured) Report("calibrating", 0, 0, 0, 0, 0, null);
            _cost = o.Cost ?? (group is null ? CostModel.Calibrate(_folds[0].TrainX, _outputs, P)
                : CostModel.Parse(Agree(group.Rank == 0 ? CostModel.Calibrate(_folds[0].TrainX, _outputs, Local).ToString() : "")));
            double budget = o.BudgetTime.TotalSeconds;
            // Paced: the rungs after the first are re-planned with the pace the machine showed (measured, or given to repeat a run).
            bool paced = measured || _cost.Start is not null;
            double start = measured ? Agree(Math.Round(_clock.Elapsed.TotalSeconds, 2)) : _cost.Start ?? 0;
            var givenPaces = measured ? null : _cost.Paces;
            var paces = new List<double>();
            double work = (budget - start) * P * PlanFraction;

            int d = data.FeatureCount, n = data.Rows, m = o.Ensemble;
            double CvEpoch(int i) => _folds.Sum(f => _cost.Train(configs[i], d, _outputs, f.TrainRows, f.TrainRows));
            double CvEval(int i) => _folds.Sum(f => _cost.Evaluate(configs[i], d, _outputs, f.ValRowCount));
            double FullEpoch(int i) => _cost.Train(configs[i], d, _outputs, n, n);
            var cvEpoch = Enumerable.Range(0, configs.Length).Select(CvEpoch).ToArray();
            var cvEval = Enumerable.Range(0, configs.Length).Select(CvEval).ToArray();
            var fullEpoch = Enumerable.Range(0, configs.Length).Select(FullEpoch).ToArray();
            double FinalPerEpoch(IEnumerable<int> ids) { var a = ids.ToArray(); return P * Math.Ceiling((double)Math.Min(m, a.Length) / P) * a.Average(i => fullEpoch[i]); }

            // The plan: the most candidates whose first rung still trains each fold model to E_min epochs.
            double eMin = Math.Max(1.0, o.MinExamples / _folds.Average(f => (double)f.TrainRows));
            int n0 = 0;
            int[] sizes = [];
            double e0 = 0;
            // At most the rungs that keep E_last = E₀·η^(R−1) within MaxEpochs at E₀ = E_min: more budget then buys more candidates per rung.
            int rMax = 1 + (int)Math.Floor(Math.Log(Math.Max(1, o.MaxEpochs / eMin)) / Math.Log(o.Eta) + 1e-9);
            for (int c = configs.Length; c >= 1; c--)
            {
                var s = SearchPlanner.Ladder(c, o.Eta, m).Take(rMax).ToArray();
                var first = Enumerable.Range(0, c);
                double e = SearchPlanner.FirstEpochs(s, o.Eta, first.Average(i => cvEpoch[i]), first.Average(i => cvEval[i]), FinalPerEpoch(first), work);
                if (e >= eMin) { n0 = c; sizes = s; e0 = e; break; }
            }
            if (n0 == 0)
            {
                double need = eMin * (cvEpoch[0] + FinalPerEpoch([0])) + cvEval[0];
                double seconds = need / (P * PlanFraction) + start;
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"ModelSearch: a budget of {Show(budget)} cannot fit one candidate: {k}-fold cross-validation of the first ({configs[0].Shape}) for {eMin:0.#} epoch{(eMin == 1 ? "" : "s")} and its final fit take about {Show(seconds)} on {P} worker{(P == 1 ? "" : "s")} here; give a budget of at least {Show(Math.Ceiling(seconds * 1.1))}"));
            }
            int R = sizes.Length;
            double eMax = o.MaxEpochs / Math.Pow(o.Eta, R - 1);
            e0 = Math.Min(e0, eMax);
            if (n0 < o.Eta * 2 && n0 < configs.Length)
                _warnings.Add($"the budget fits only {n0} candidate{(n0 == 1 ? "" : "s")} at {eMin:0.#} epoch{(eMin == 1 ? "" : "s")} each; a larger budget searches more");
            var epochs = Enumerable.Range(0, R).Select(r => e0 * Math.Pow(o.Eta, r)).ToArray();
            double plannedWork = PlannedWork(sizes, epochs, Enumerable.Range(0, n0), cvEpoch, cvEval, FinalPerEpoch(Enumerable.Range(0, n0)));
            var plan = new SearchPlan([.. sizes.Select((s, r) => new PlannedRung(s, epochs[r]))], _cost, measured, P, k,
                plannedWork / P + start);

            // Guard: the clock stops a run that would overshoot its budget (a cost model far off), leaving time for the final fit.
            double finalWall = epochs[^1] * FinalPerEpoch(Enumerable.Range(0, n0)) / P;
            using var guard = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (o.ClockGuard && group is null) guard.CancelAfter(TimeSpan.FromSeconds(Math.Max(0.1, GuardSlack * budget - 1.5 * finalWall - _clock.Elapsed.TotalSeconds)));

            double startRungs = _clock.Elapsed.TotalSeconds;
            var runs = new FoldRun?[n0][];
            for (int i = 0; i < n0; i++) runs[i] = new FoldRun?[k];
            var scores = new List<RungScore>[n0];
            for (int i = 0; i < n0; i++) scores[i] = [];
            var diverged = new bool[n0];
            var alive = Enumerable.Range(0, n0).ToList();
            double done = 0, spent = start;
            bool stoppedByClock = false;
            int partialFirst = 0;
            int lastRung = -1;
            for (int r = 0; r < R; r++)
            {
                double target = epochs[r], before = r == 0 ? 0 : epochs[r - 1];
                var partial = new (double Loss, double Hits, bool Diverged)[n0, k];
                var finished = new int[n0];
                var jobs = alive.SelectMany(i => Enumerable.Range(0, k).Select(f => (I: i, F: f)))
                    .Where(j => group is null || (j.I * k + j.F) % group.Size == group.Rank) // this rank's fold models, the same every rung
                    .OrderByDescending(j => cvEpoch[j.I]).ThenBy(j => j.I).ThenBy(j => j.F).ToArray(); // longest first: less idle at the end
                int jobsDone = 0;
                double rungStart = _clock.Elapsed.TotalSeconds;
                try
                {
                    Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(jobs, EnumerablePartitionerOptions.NoBuffering),
                        new ParallelOptions { MaxDegreeOfParallelism = Local, CancellationToken = guard.Token }, job =>
                        {
                            var (i, f) = job;
                            var fold = _folds[f];
                            long t0 = Stopwatch.GetTimestamp();
                            var run = runs[i][f] ??= new FoldRun(configs[i], fold.TrainX, fold.TrainLabels, fold.TrainTargets, _outputs, _loss,
                                new Rng(Mix(o.Seed, (ulong)i, (ulong)f + 1)));
                            run.TrainTo((long)Math.Round(target * fold.TrainRows), guard.Token);
                            partial[i, f] = Score(run, fold);
                            Trace?.Invoke(configs[i], _cost.Train(configs[i], d, _outputs, fold.TrainRows, (target - before) * fold.TrainRows)
                                + _cost.Evaluate(configs[i], d, _outputs, fold.ValRowCount), Stopwatch.GetElapsedTime(t0).TotalSeconds);
                            lock (_lock)
                            {
                                jobsDone++;
                                if (++finished[i] == k && group is null) scores[i].Add(Pool(partial, i, k, r, target));
                                Report("rung", r, R, jobsDone, jobs.Length, target, Board(scores, diverged, n0, configs));
                            }
                        });
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    stoppedByClock = true;
                    if (r == 0 && scores.Any(sc => sc.Count > 0))
                    {
                        // The first rung unfinished: the standing is that of the candidates that finished it.
                        for (int i = 0; i < n0; i++) if (scores[i].Count > 0) diverged[i] = Enumerable.Range(0, k).Any(f => partial[i, f].Diverged);
                        partialFirst = scores.Count(sc => sc.Count > 0);
                        lastRung = 0;
                    }
                    // Otherwise drop this rung's partial scores: the standing is the last finished rung's.
                    else for (int i = 0; i < n0; i++) if (scores[i].Count > r) scores[i].RemoveAt(r);
                    break;
                }
                if (group is not null)
                {
                    ShareScores(partial, n0, k);
                    foreach (int i in alive) scores[i].Add(Pool(partial, i, k, r, target));
                }
                lastRung = r;
                double rungWork = 0;
                foreach (int i in alive)
                {
                    diverged[i] = Enumerable.Range(0, k).Any(f => partial[i, f].Diverged);
                    rungWork += cvEval[i] + cvEpoch[i] * (target - before);
                }
                done += rungWork;
                // The rung's pace: wall seconds × workers per predicted worker-second (a figure of the run, so that it can be repeated).
                double pace = measured ? Agree(CostModel.RoundPace((_clock.Elapsed.TotalSeconds - rungStart) * P / Math.Max(rungWork, 1e-9)))
                    : givenPaces is { Count: > 0 } g ? g[Math.Min(r, g.Count - 1)] : 1;
                paces.Add(pace);
                spent += rungWork * pace / P;
                alive = [.. alive.OrderBy(i => Key(scores[i][^1], diverged[i])).ThenBy(i => i)];
                if (r == R - 1) break;
                double slow = Math.Max(1, (_clock.Elapsed.TotalSeconds - startRungs) / Math.Max(done / P, 1e-3));
                var survivors = alive.Take(sizes[r + 1]).ToList();
                // What is left, in predicted worker-seconds: unpaced, the plan's work less what was done; paced, the wall
                // time left (as the recorded paces count it) at the latest rung's pace.
                double left = paced ? Math.Max(0, (budget - spent) * P * ReplanFraction / pace) : work - done;
                var (next, wider) = SearchPlanner.Replan(sizes, r, target, survivors.Average(i => cvEpoch[i]), survivors.Average(i => cvEval[i]),
                    FinalPerEpoch(survivors), left, o.MaxEpochs);
                for (int j = r + 1; j < R; j++) epochs[j] = next[j];
                sizes = wider;
                foreach (int i in alive.Skip(sizes[r + 1])) runs[i] = new FoldRun?[k]; // free the eliminated
                alive = [.. alive.Take(sizes[r + 1])];
                // Re-arm the guard for the re-planned final fit at the speed this machine showed (a busy machine's final fit is slower too).
                finalWall = epochs[^1] * FinalPerEpoch(alive) / P * (paced ? pace : slow);
                if (o.ClockGuard && group is null) guard.CancelAfter(TimeSpan.FromSeconds(Math.Max(0.05, GuardSlack * budget - 1.25 * finalWall - _clock.Elapsed.TotalSeconds)));
                if (epochs[r + 1] <= target * 1.0001) break; // nothing left to buy: the standing is final
            }
            if (lastRung < 0)
                throw new InvalidOperationException($"ModelSearch: the budget of {Show(budget)} ran out before the first rung finished (the machine ran slower than its calibration, {_cost}); give a larger budget");
            if (stoppedByClock && partialFirst > 0)
                _warnings.Add($"the clock stopped the search {Show(_clock.Elapsed.TotalSeconds)} into a budget of {Show(budget)}, in its first rung (the cost model {_cost} underestimated this machine): the standing is that of the {partialFirst} of {n0} candidates that finished it, and may differ between runs");
            else if (stoppedByClock)
                _warnings.Add($"the clock stopped the search {Show(_clock.Elapsed.TotalSeconds)} into a budget of {Show(budget)}, in rung {lastRung + 2} (the cost model {_cost} underestimated this machine): the standing is rung {lastRung + 1}'s, and may differ between runs");

            var board = Board(scores, diverged, n0, configs)();
            var model = FinalFit(board.Where(c => !c.Diverged).Take(m).ToList(), configs);
            if (!stoppedByClock && epochs[lastRung] >= o.MaxEpochs * 0.999 && _clock.Elapsed.TotalSeconds < 0.9 * budget)
                _warnings.Add($"the budget was more than this search could use ({n0} candidates, at most {o.MaxEpochs} epochs): it ended after {Show(_clock.Elapsed.TotalSeconds)} of {Show(budget)}");
            Report("done", lastRung, R, 0, 0, 0, () => board);
            plan = plan with { Rungs = [.. sizes.Select((s, r) => new PlannedRung(s, epochs[r]))] };
            if (paced) plan = plan with { Cost = _cost with { Start = start, Paces = paces } };
            return new SearchResult(data.Task, board, plan, model, _warnings, _clock.Elapsed.TotalSeconds, plan.PredictedSeconds, stoppedByClock);
        }

        // Every rank's scores of this rung: each filled in its own fold models' (the others are zero), summed.
        private void ShareScores((double Loss, double Hits, bool Diverged)[,] partial, int n0, int k)
        {
            var flat = new double[n0 * k * 3];
            for (int i = 0; i < n0; i++)
                for (int f = 0; f < k; f++)
                {
                    var (loss, hits, diverged) = partial[i, f];
                    int at = (i * k + f) * 3;
                    (flat[at], flat[at + 1], flat[at + 2]) = (loss, hits, diverged ? 1 : 0);
                }
            group!.AllReduceSum(flat);
            for (int i = 0; i < n0; i++)
                for (int f = 0; f < k; f++)
                {
                    int at = (i * k + f) * 3;
                    partial[i, f] = (flat[at], flat[at + 1], flat[at + 2] != 0);
                }
        }

        // Rank 0's value on every rank.
        private double Agree(double value)
        {
            if (group is null) return value;
            Span<double> v = [value];
            group.Broadcast(MemoryMarshal.AsBytes(v));
            return v[0];
        }

        private string Agree(string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            Span<int> length = [bytes.Length];
            group!.Broadcast(MemoryMarshal.AsBytes(length));
            if (bytes.Length != length[0]) bytes = new byte[length[0]];
            group.Broadcast(bytes);
            return Encoding.UTF8.GetString(bytes);
        }

        private static double Sum(ICollectives g, double value)
        {
            Span<double> v = [value];
            g.AllReduceSum(v);
            return v[0];
        }

        private static double PlannedWork(int[] sizes, double[] epochs, IEnumerable<int> ids, double[] cvEpoch, double[] cvEval, double finalPerEpoch)
        {
            var a = ids.ToArray();
            double ce = a.Average(i => cvEpoch[i]), cv = a.Average(i => cvEval[i]), w = 0, prev = 0;
            for (int r = 0; r < sizes.Length; r++) { w += sizes[r] * (ce * (epochs[r] - prev) + cv); prev = epochs[r]; }
            return w + finalPerEpoch * prev;
        }

        // The standing: later rungs first, then by loss, diverged last, ties by id.
        private static (int, int, double) Key(RungScore s, bool diverged) => (diverged || double.IsNaN(s.Loss) ? 1 : 0, -s.Rung, double.IsNaN(s.Loss) ? double.PositiveInfinity : s.Loss);

        private static Func<IReadOnlyList<CandidateResult>> Board(List<RungScore>[] scores, bool[] diverged, int n0, CandidateConfig[] configs) => () =>
            [.. Enumerable.Range(0, n0).Where(i => scores[i].Count > 0)
                .Select(i => new CandidateResult(i, configs[i], [.. scores[i]], diverged[i] || double.IsInfinity(scores[i][^1].Loss)))
                .OrderBy(c => Key(c.Last, c.Diverged)).ThenBy(c => c.Id)];

        // One fold model's validation: (Σ −log P(y|x) or Σ squared error, rows right, diverged).
        private (double Loss, double Hits, bool Diverged) Score(FoldRun run, Fold fold)
        {
            if (run.Diverged) return (double.PositiveInfinity, 0, true);
            var outputs = Trainer.Outputs(run.Network, fold.ValX).ToArray();
            if (data.Task == SearchTask.Regression)
            {
                double se = 0;
                for (int r = 0; r < fold.ValRows.Length; r++)
                {
                    double e = outputs[r] * fold.YStd + fold.YMean - data.Targets![fold.ValRows[r]];
                    se += e * e;
                }
                return double.IsFinite(se) ? (se, 0, false) : (double.PositiveInfinity, 0, true);
            }
            var labels = fold.ValRows.Select(r => data.Labels![r]).ToArray();
            var (ll, correct) = Scoring.Classify(outputs, labels, data.Classes.Count);
            return double.IsFinite(ll) ? (-ll, correct, false) : (double.PositiveInfinity, correct, true);
        }

        private RungScore Pool((double Loss, double Hits, bool Diverged)[,] partial, int i, int k, int rung, double epochs)
        {
            double loss = 0, hits = 0;
            for (int f = 0; f < k; f++) { loss += partial[i, f].Loss; hits += partial[i, f].Hits; }
            int n = data.Rows;
            return data.Task == SearchTask.Regression
                ? new RungScore(rung, epochs, loss / n, double.NaN, Math.Sqrt(loss / n))
                : new RungScore(rung, epochs, loss / n, hits / n, double.NaN);
        }

        // The winners refitted on all rows (standardised with all rows' statistics) to the epochs they reached.
        private SearchModel FinalFit(List<CandidateResult> winners, CandidateConfig[] configs)
        {
            if (winners.Count == 0) throw new InvalidOperationException("ModelSearch: every candidate diverged (NaN or infinite loss); the data may need cleaning, or a smaller learning-rate range");
            var s = Standardizer.Fit(data.Features);
            var x = s.Transform(data.Features);
            var (mean, std, targets, labels) = Targets(Enumerable.Range(0, data.Rows).ToArray());
            var members = new (int Id, CandidateConfig Config, FoldRun Run)[winners.Count];
            int finished = 0;
            Report("final fit", 0, 0, 0, winners.Count, 0, null);
            // NOTE: every rank refits the winners alike (seeded), so each holds the model; only rank 0 needs to write it.
            Parallel.For(0, winners.Count, new ParallelOptions { MaxDegreeOfParallelism = Local, CancellationToken = ct }, w =>
            {
                var c = winners[w];
                var run = new FoldRun(c.Config, x, labels, targets, _outputs, _loss, new Rng(Mix(o.Seed, (ulong)c.Id, 0)));
                run.TrainTo((long)Math.Round(c.Last.Epochs * data.Rows), ct);
                members[w] = (c.Id, c.Config, run);
                lock (_lock) Report("final fit", 0, 0, ++finished, winners.Count, c.Last.Epochs, null);
            });
            foreach (var bad in members.Where(mb => mb.Run.Diverged))
                _warnings.Add($"candidate {bad.Id} diverged when refitted on all the rows and was left out of the model");
            var kept = members.Where(mb => !mb.Run.Diverged).Select(mb => (mb.Id, mb.Config, mb.Run.Network)).ToList();
            if (kept.Count == 0) throw new InvalidOperationException("ModelSearch: the best candidates diverged when refitted on all the rows; try another --seed");
            foreach (var (_, _, net) in kept) net.Eval();
            return new SearchModel(data.Task, kept, s, data.Classes, data.FeatureNames, mean, std);
        }

        // Regression: the targets of rows standardised by their own mean and deviation; classification: labels (and 0/1 targets for two classes).
        private (float Mean, float Std, Tensor? Targets, int[]? Labels) Targets(int[] rows)
        {
            if (data.Task == SearchTask.Regression)
            {
                var y = rows.Select(r => (double)data.Targets![r]).ToArray();
                double mu = y.Average(), sd = Math.Sqrt(y.Average(v => (v - mu) * (v - mu)));
                if (!(sd > 1e-12)) sd = 1;
                return ((float)mu, (float)sd, Tensor.FromArray([.. y.Select(v => (float)((v - mu) / sd))], rows.Length, 1), null);
            }
            var labels = rows.Select(r => data.Labels![r]).ToArray();
            return (0, 1, _loss == TrainingLoss.Bernoulli ? Tensor.FromArray([.. labels.Select(l => (float)l)], rows.Length, 1) : null, labels);
        }

        private int CheckFolds()
        {
            int n = data.Rows, k = o.Folds;
            string src = SearchData.Name(data.Source);
            if (n < 4) throw new ArgumentException($"ModelSearch: {src} has {n} row{(n == 1 ? "" : "s")}; cross-validation needs at least 4 (two folds of two rows)");
            if (n < 2 * k)
            {
                int k2 = Math.Max(2, n / 2);
                _warnings.Add($"{src} has {n} rows, too few for {k} folds of at least 2 rows: using {k2} folds instead");
                k = k2;
            }
            if (data.Task == SearchTask.Classification)
            {
                var counts = new int[data.Classes.Count];
                foreach (int l in data.Labels!) counts[l]++;
                if (counts.Count(c => c > 0) < 2) throw new ArgumentException($"ModelSearch: {src} has rows of only one class; classification needs two or more");
                for (int c = 0; c < counts.Length; c++)
                {
                    if (counts[c] == 0) _warnings.Add($"class \"{data.Classes[c]}\" has no rows in {src}: the networks still have an output for it, which learns to say no");
                    else if (counts[c] == 1) _warnings.Add($"class \"{data.Classes[c]}\" has a single row in {src}, so it is in one fold only: the model scored on that fold never trains on it (the row still counts in the score, and the final model trains on it)");
                }
            }
            return k;
        }

        private Fold[] MakeFolds(int k)
        {
            var strata = data.Task == SearchTask.Classification ? data.Labels! : new int[data.Rows];
            var split = Splits.KFold(strata, k, new Rng(Mix(o.Seed, 0xF01D)));
            using var _ = Autograd.NoGrad();
            return [.. split.Select(f =>
            {
                var s = Standardizer.Fit(data.Features.SelectRows(f.Train));
                var (mean, std, targets, labels) = Targets(f.Train);
                return new Fold(s.Transform(data.Features.SelectRows(f.Train)), labels, targets, s.Transform(data.Features.SelectRows(f.Validation)), f.Validation, mean, std);
            })];
        }

        private void Report(string stage, int rung, int rungs, int doneJobs, int total, double epochs, Func<IReadOnlyList<CandidateResult>>? board)
            => progress?.Invoke(new SearchProgress(stage, rung, rungs, doneJobs, total, epochs, _clock.Elapsed, o.BudgetTime, board?.Invoke() ?? []));
    }

    internal static string Show(double seconds) => seconds switch
    {
        < 1 => string.Create(CultureInfo.InvariantCulture, $"{seconds:0.00} s"),
        < 90 => string.Create(CultureInfo.InvariantCulture, $"{seconds:0.#} s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0.#} min"),
    };
}
