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
public static partial class ModelSearch
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
    internal static ulong Mix(ulong seed, ulong a, ulong b = 0) => Rng.Scramble(seed + 0x9E3779B97F4A7C15UL * (a + 1) + 0xBF58476D1CE4E5B9UL * (b + 1));

    internal sealed record Fold(Tensor TrainX, int[]? TrainLabels, Tensor? TrainTargets, Tensor ValX, int[] ValRows, float YMean, float YStd)
    {
        public int TrainRows => TrainX.Shape[0];
        public int ValRowCount => ValRows.Length;
    }

    private sealed class Runner(SearchData data, SearchOptions o, Action<SearchProgress>? progress, CancellationToken ct, ICollectives? group)
    {
        public readonly SearchData Data = data;
        public readonly SearchOptions O = o;
        public readonly ICollectives? Group = group;
        public readonly CancellationToken Ct = ct;
        public readonly Stopwatch Clock = Stopwatch.StartNew();
        public readonly object Lock = new();
        private readonly List<string> _warnings = [];
        // P: the workers of every rank together (the plan's); Local: this process's (its threads).
        public readonly int P = group is null ? o.WorkerCount : (int)Sum(group, o.WorkerCount);
        public readonly int Local = o.WorkerCount;
        public readonly int Outputs = data.Outputs;
        public readonly TrainingLoss Loss = data.Task == SearchTask.Regression ? TrainingLoss.SquaredError : data.Outputs == 1 ? TrainingLoss.Bernoulli : TrainingLoss.CrossEntropy;
        public Fold[] Folds = [];
        public CandidateConfig[] Configs = [];
        public CostModel Cost = null!;
        // Predicted worker-seconds per candidate: one epoch of all k fold models, scoring them, one epoch on all rows.
        public double[] CvEpoch = [], CvEval = [];
        private double[] _fullEpoch = [];
        // Measured: calibrated here; Paced: the rungs after the first are re-planned with the pace the machine showed
        // (measured, or given to repeat a run); Start: the seconds spent before the rungs; Work: the plan's worker-seconds.
        public bool Measured, Paced;
        public double Budget, Start, Work;

        public SearchResult Run()
        {
            int k = CheckFolds();
            Folds = MakeFolds(k);
            var rng = new Rng(O.Seed);
            var space = O.SpaceOrDefault;
            Configs = [.. Enumerable.Range(0, O.MaxCandidates).Select(_ => space.Sample(rng))];
            Calibrate();
            var (n0, sizes, epochs) = PlanRungs(k);
            var plan = new SearchPlan([.. sizes.Select((s, r) => new PlannedRung(s, epochs[r]))], Cost, Measured, P, k,
                PlannedWork(sizes, epochs, Enumerable.Range(0, n0)) / P + Start);

            var rungs = new RungScheduler(this, n0, k, sizes, epochs);
            rungs.Run();
            int lastRung = rungs.LastRung;
            if (lastRung < 0)
                throw new InvalidOperationException($"ModelSearch: the budget of {Show(Budget)} ran out before the first rung finished (the machine ran slower than its calibration, {Cost}); give a larger budget");
            if (rungs.StoppedByClock && rungs.PartialFirst > 0)
                _warnings.Add($"the clock stopped the search {Show(Clock.Elapsed.TotalSeconds)} into a budget of {Show(Budget)}, in its first rung (the cost model {Cost} underestimated this machine): the standing is that of the {rungs.PartialFirst} of {n0} candidates that finished it, and may differ between runs");
            else if (rungs.StoppedByClock)
                _warnings.Add($"the clock stopped the search {Show(Clock.Elapsed.TotalSeconds)} into a budget of {Show(Budget)}, in rung {lastRung + 2} (the cost model {Cost} underestimated this machine): the standing is rung {lastRung + 1}'s, and may differ between runs");

            var board = rungs.Leaderboard();
            var model = FinalFit([.. board.Where(c => !c.Diverged).Take(O.Ensemble)]);
            if (!rungs.StoppedByClock && epochs[lastRung] >= O.MaxEpochs * 0.999 && Clock.Elapsed.TotalSeconds < 0.9 * Budget)
                _warnings.Add($"the budget was more than this search could use ({n0} candidates, at most {O.MaxEpochs} epochs): it ended after {Show(Clock.Elapsed.TotalSeconds)} of {Show(Budget)}");
            Report("done", lastRung, sizes.Length, 0, 0, 0, () => board);
            plan = plan with { Rungs = [.. rungs.Sizes.Select((s, r) => new PlannedRung(s, epochs[r]))] };
            if (Paced) plan = plan with { Cost = Cost with { Start = Start, Paces = rungs.Paces } };
            return new SearchResult(Data.Task, board, plan, model, _warnings, Clock.Elapsed.TotalSeconds, plan.PredictedSeconds, rungs.StoppedByClock);
        }

        // The cost model (measured here unless given, rank 0's on every rank), the time spent before the rungs, and every candidate's predicted costs.
        private void Calibrate()
        {
            Measured = O.Cost is null;
            if (Measured) Report("calibrating", 0, 0, 0, 0, 0, null);
            Cost = O.Cost ?? (Group is null ? CostModel.Calibrate(Folds[0].TrainX, Outputs, P)
                : CostModel.Parse(Agree(Group.Rank == 0 ? CostModel.Calibrate(Folds[0].TrainX, Outputs, Local).ToString() : "")));
            Budget = O.BudgetTime.TotalSeconds;
            Paced = Measured || Cost.Start is not null;
            Start = Measured ? Agree(Math.Round(Clock.Elapsed.TotalSeconds, 2)) : Cost.Start ?? 0;
            Work = (Budget - Start) * P * PlanFraction;
            int d = Data.FeatureCount, n = Data.Rows;
            CvEpoch = [.. Configs.Select(c => Folds.Sum(f => Cost.Train(c, d, Outputs, f.TrainRows, f.TrainRows)))];
            CvEval = [.. Configs.Select(c => Folds.Sum(f => Cost.Evaluate(c, d, Outputs, f.ValRowCount)))];
            _fullEpoch = [.. Configs.Select(c => Cost.Train(c, d, Outputs, n, n))];
        }

        // The plan: the most candidates whose first rung still trains each fold model to E_min epochs; their rungs' sizes and epochs.
        private (int N0, int[] Sizes, double[] Epochs) PlanRungs(int k)
        {
            double eMin = Math.Max(1.0, O.MinExamples / Folds.Average(f => (double)f.TrainRows));
            // At most the rungs that keep E_last = E₀·η^(R−1) within MaxEpochs at E₀ = E_min: more budget then buys more candidates per rung.
            int rMax = 1 + (int)Math.Floor(Math.Log(Math.Max(1, O.MaxEpochs / eMin)) / Math.Log(O.Eta) + 1e-9);
            for (int c = Configs.Length; c >= 1; c--)
            {
                var sizes = SearchPlanner.Ladder(c, O.Eta, O.Ensemble).Take(rMax).ToArray();
                var first = Enumerable.Range(0, c);
                double e0 = SearchPlanner.FirstEpochs(sizes, O.Eta, first.Average(i => CvEpoch[i]), first.Average(i => CvEval[i]), FinalPerEpoch(first), Work);
                if (!(e0 >= eMin)) continue;
                e0 = Math.Min(e0, O.MaxEpochs / Math.Pow(O.Eta, sizes.Length - 1));
                if (c < O.Eta * 2 && c < Configs.Length)
                    _warnings.Add($"the budget fits only {c} candidate{(c == 1 ? "" : "s")} at {eMin:0.#} epoch{(eMin == 1 ? "" : "s")} each; a larger budget searches more");
                return (c, sizes, [.. Enumerable.Range(0, sizes.Length).Select(r => e0 * Math.Pow(O.Eta, r))]);
            }
            double need = eMin * (CvEpoch[0] + FinalPerEpoch([0])) + CvEval[0];
            double seconds = need / (P * PlanFraction) + Start;
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"ModelSearch: a budget of {Show(Budget)} cannot fit one candidate: {k}-fold cross-validation of the first ({Configs[0].Shape}) for {eMin:0.#} epoch{(eMin == 1 ? "" : "s")} and its final fit take about {Show(seconds)} on {P} worker{(P == 1 ? "" : "s")} here; give a budget of at least {Show(Math.Ceiling(seconds * 1.1))}"));
        }

        // Worker-seconds of one epoch of the final fit of the best m of ids (m = the ensemble), the fits spread over P workers.
        public double FinalPerEpoch(IEnumerable<int> ids)
        {
            var a = ids.ToArray();
            return P * Math.Ceiling((double)Math.Min(O.Ensemble, a.Length) / P) * a.Average(i => _fullEpoch[i]);
        }

        private double PlannedWork(int[] sizes, double[] epochs, IEnumerable<int> ids)
        {
            var a = ids.ToArray();
            double ce = a.Average(i => CvEpoch[i]), cv = a.Average(i => CvEval[i]), w = 0, prev = 0;
            for (int r = 0; r < sizes.Length; r++) { w += sizes[r] * (ce * (epochs[r] - prev) + cv); prev = epochs[r]; }
            return w + FinalPerEpoch(a) * prev;
        }

        // Rank 0's value on every rank.
        public double Agree(double value)
        {
            if (Group is null) return value;
            Span<double> v = [value];
            Group.Broadcast(MemoryMarshal.AsBytes(v));
            return v[0];
        }

        private string Agree(string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            Span<int> length = [bytes.Length];
            Group!.Broadcast(MemoryMarshal.AsBytes(length));
            if (bytes.Length != length[0]) bytes = new byte[length[0]];
            Group.Broadcast(bytes);
            return Encoding.UTF8.GetString(bytes);
        }

        private static double Sum(ICollectives g, double value)
        {
            Span<double> v = [value];
            g.AllReduceSum(v);
            return v[0];
        }

        // The winners refitted on all rows (standardised with all rows' statistics) to the epochs they reached.
        private SearchModel FinalFit(List<CandidateResult> winners)
        {
            if (winners.Count == 0) throw new InvalidOperationException("ModelSearch: every candidate diverged (NaN or infinite loss); the data may need cleaning, or a smaller learning-rate range");
            var s = Standardizer.Fit(Data.Features);
            var x = s.Transform(Data.Features);
            var (mean, std, targets, labels) = Targets(Enumerable.Range(0, Data.Rows).ToArray());
            var members = new (int Id, CandidateConfig Config, FoldRun Run)[winners.Count];
            int finished = 0;
            Report("final fit", 0, 0, 0, winners.Count, 0, null);
            // NOTE: every rank refits the winners alike (seeded), so each holds the model; only rank 0 needs to write it.
            Parallel.For(0, winners.Count, new ParallelOptions { MaxDegreeOfParallelism = Local, CancellationToken = Ct }, w =>
            {
                var c = winners[w];
                var run = new FoldRun(c.Config, x, labels, targets, Outputs, Loss, new Rng(Mix(O.Seed, (ulong)c.Id, 0)));
                run.TrainTo((long)Math.Round(c.Last.Epochs * Data.Rows), Ct);
                members[w] = (c.Id, c.Config, run);
                lock (Lock) Report("final fit", 0, 0, ++finished, winners.Count, c.Last.Epochs, null);
            });
            foreach (var bad in members.Where(mb => mb.Run.Diverged))
                _warnings.Add($"candidate {bad.Id} diverged when refitted on all the rows and was left out of the model");
            var kept = members.Where(mb => !mb.Run.Diverged).Select(mb => (mb.Id, mb.Config, mb.Run.Network)).ToList();
            if (kept.Count == 0) throw new InvalidOperationException("ModelSearch: the best candidates diverged when refitted on all the rows; try another --seed");
            foreach (var (_, _, net) in kept) net.Eval();
            return new SearchModel(Data.Task, kept, s, Data.Classes, Data.FeatureNames, mean, std);
        }

        // Regression: the targets of rows standardised by their own mean and deviation; classification: labels (and 0/1 targets for two classes).
        private (float Mean, float Std, Tensor? Targets, int[]? Labels) Targets(int[] rows)
        {
            if (Data.Task == SearchTask.Regression)
            {
                var y = rows.Select(r => (double)Data.Targets![r]).ToArray();
                double mu = y.Average(), sd = Math.Sqrt(y.Average(v => (v - mu) * (v - mu)));
                if (!(sd > 1e-12)) sd = 1;
                return ((float)mu, (float)sd, Tensor.FromArray([.. y.Select(v => (float)((v - mu) / sd))], rows.Length, 1), null);
            }
            var labels = rows.Select(r => Data.Labels![r]).ToArray();
            return (0, 1, Loss == TrainingLoss.Bernoulli ? Tensor.FromArray([.. labels.Select(l => (float)l)], rows.Length, 1) : null, labels);
        }

        private int CheckFolds()
        {
            int n = Data.Rows, k = O.Folds;
            string src = SearchData.Name(Data.Source);
            if (n < 4) throw new ArgumentException($"ModelSearch: {src} has {n} row{(n == 1 ? "" : "s")}; cross-validation needs at least 4 (two folds of two rows)");
            if (n < 2 * k)
            {
                int k2 = Math.Max(2, n / 2);
                _warnings.Add($"{src} has {n} rows, too few for {k} folds of at least 2 rows: using {k2} folds instead");
                k = k2;
            }
            if (Data.Task == SearchTask.Classification)
            {
                var counts = new int[Data.Classes.Count];
                foreach (int l in Data.Labels!) counts[l]++;
                if (counts.Count(c => c > 0) < 2) throw new ArgumentException($"ModelSearch: {src} has rows of only one class; classification needs two or more");
                for (int c = 0; c < counts.Length; c++)
                {
                    if (counts[c] == 0) _warnings.Add($"class \"{Data.Classes[c]}\" has no rows in {src}: the networks still have an output for it, which learns to say no");
                    else if (counts[c] == 1) _warnings.Add($"class \"{Data.Classes[c]}\" has a single row in {src}, so it is in one fold only: the model scored on that fold never trains on it (the row still counts in the score, and the final model trains on it)");
                }
            }
            return k;
        }

        private Fold[] MakeFolds(int k)
        {
            var strata = Data.Task == SearchTask.Classification ? Data.Labels! : new int[Data.Rows];
            var split = Splits.KFold(strata, k, new Rng(Mix(O.Seed, 0xF01D)));
            using var _ = Autograd.NoGrad();
            return [.. split.Select(f =>
            {
                var s = Standardizer.Fit(Data.Features.SelectRows(f.Train));
                var (mean, std, targets, labels) = Targets(f.Train);
                return new Fold(s.Transform(Data.Features.SelectRows(f.Train)), labels, targets, s.Transform(Data.Features.SelectRows(f.Validation)), f.Validation, mean, std);
            })];
        }

        public void Report(string stage, int rung, int rungs, int doneJobs, int total, double epochs, Func<IReadOnlyList<CandidateResult>>? board)
            => progress?.Invoke(new SearchProgress(stage, rung, rungs, doneJobs, total, epochs, Clock.Elapsed, O.BudgetTime, board?.Invoke() ?? []));
    }

    internal static string Show(double seconds) => seconds switch
    {
        < 1 => string.Create(CultureInfo.InvariantCulture, $"{seconds:0.00} s"),
        < 90 => string.Create(CultureInfo.InvariantCulture, $"{seconds:0.#} s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0.#} min"),
    };
}
