using System.Collections.Concurrent;
using System.Diagnostics;
using Theta.Training;

namespace Theta.Search;

public static partial class ModelSearch
{
    /// <summary>
    /// Successive halving over the planned rungs: rung r trains the k fold models of every surviving candidate to
    /// E_r epochs (in parallel, longest first; on several ranks each trains its own share and the scores are summed),
    /// pools each candidate's k validations into one <see cref="RungScore"/>, keeps the best, and re-plans the later
    /// rungs' epochs (and, where the epoch cap binds, their sizes) from the pace the rung showed. The clock guard may
    /// stop a rung; the standing is then the last finished rung's (or, in the first rung, that of the candidates that
    /// finished it).
    /// </summary>
    private sealed class RungScheduler
    {
        private readonly Runner _run;
        private readonly int _n0, _k;
        private readonly double[] _epochs;               // E_r, re-planned in place after each rung
        private readonly FoldRun?[][] _runs;             // [candidate][fold], trained on from rung to rung
        private readonly List<RungScore>[] _scores;      // [candidate]: one score per rung it finished
        private readonly bool[] _diverged;
        private List<int> _alive;
        private double _done, _spent;                    // predicted worker-seconds done; the wall time spent as the paces count it

        public RungScheduler(Runner run, int n0, int k, int[] sizes, double[] epochs)
        {
            (_run, _n0, _k, Sizes, _epochs) = (run, n0, k, sizes, epochs);
            _runs = [.. Enumerable.Range(0, n0).Select(_ => new FoldRun?[k])];
            _scores = [.. Enumerable.Range(0, n0).Select(_ => new List<RungScore>())];
            _diverged = new bool[n0];
            _alive = [.. Enumerable.Range(0, n0)];
            _spent = run.Start;
        }

        /// <summary>Candidates per rung (widened by a re-plan when the epoch cap binds).</summary>
        public int[] Sizes { get; private set; }
        /// <summary>The last rung finished (−1: none).</summary>
        public int LastRung { get; private set; } = -1;
        public bool StoppedByClock { get; private set; }
        /// <summary>When the clock stopped the first rung: the candidates that finished it.</summary>
        public int PartialFirst { get; private set; }
        /// <summary>Each finished rung's pace (wall seconds × workers per predicted worker-second).</summary>
        public List<double> Paces { get; } = [];

        public void Run()
        {
            var o = _run.O;
            int R = Sizes.Length;
            // Guard: the clock stops a run that would overshoot its budget (a cost model far off), leaving time for the final fit.
            using var guard = CancellationTokenSource.CreateLinkedTokenSource(_run.Ct);
            bool guarded = o.ClockGuard && _run.Group is null;
            double finalWall = _epochs[^1] * _run.FinalPerEpoch(Enumerable.Range(0, _n0)) / _run.P;
            if (guarded) guard.CancelAfter(TimeSpan.FromSeconds(Math.Max(0.1, GuardSlack * _run.Budget - 1.5 * finalWall - Now)));
            double startRungs = Now;
            for (int r = 0; r < R; r++)
            {
                double target = _epochs[r], before = r == 0 ? 0 : _epochs[r - 1];
                var partial = new (double Loss, double Hits, bool Diverged)[_n0, _k];
                double rungStart = Now;
                if (!Train(r, partial, guard.Token)) return;
                if (_run.Group is not null)
                {
                    ShareScores(partial);
                    foreach (int i in _alive) _scores[i].Add(Pool(partial, i, r, target));
                }
                LastRung = r;
                double rungWork = 0;
                foreach (int i in _alive)
                {
                    _diverged[i] = Enumerable.Range(0, _k).Any(f => partial[i, f].Diverged);
                    rungWork += _run.CvEval[i] + _run.CvEpoch[i] * (target - before);
                }
                _done += rungWork;
                // The rung's pace: wall seconds × workers per predicted worker-second (a figure of the run, so that it can be repeated).
                var given = _run.Measured ? null : _run.Cost.Paces;
                double pace = _run.Measured ? _run.Agree(CostModel.RoundPace((Now - rungStart) * _run.P / Math.Max(rungWork, 1e-9)))
                    : given is { Count: > 0 } ? given[Math.Min(r, given.Count - 1)] : 1;
                Paces.Add(pace);
                _spent += rungWork * pace / _run.P;
                _alive = [.. _alive.OrderBy(i => Key(_scores[i][^1], _diverged[i])).ThenBy(i => i)];
                if (r == R - 1) return;
                double slow = Math.Max(1, (Now - startRungs) / Math.Max(_done / _run.P, 1e-3));
                Replan(r, pace);
                // Re-arm the guard for the re-planned final fit at the speed this machine showed (a busy machine's final fit is slower too).
                finalWall = _epochs[^1] * _run.FinalPerEpoch(_alive) / _run.P * (_run.Paced ? pace : slow);
                if (guarded) guard.CancelAfter(TimeSpan.FromSeconds(Math.Max(0.05, GuardSlack * _run.Budget - 1.25 * finalWall - Now)));
                if (_epochs[r + 1] <= target * 1.0001) return; // nothing left to buy: the standing is final
            }
        }

        private double Now => _run.Clock.Elapsed.TotalSeconds;

        // Rung r: this rank's fold models of the survivors trained on to E_r and scored into partial. False when the clock stopped it.
        private bool Train(int r, (double Loss, double Hits, bool Diverged)[,] partial, CancellationToken guard)
        {
            var (run, k) = (_run, _k);
            double target = _epochs[r], before = r == 0 ? 0 : _epochs[r - 1];
            int d = run.Data.FeatureCount;
            var finished = new int[_n0];
            var jobs = _alive.SelectMany(i => Enumerable.Range(0, k).Select(f => (I: i, F: f)))
                .Where(j => run.Group is null || (j.I * k + j.F) % run.Group.Size == run.Group.Rank) // this rank's fold models, the same every rung
                .OrderByDescending(j => run.CvEpoch[j.I]).ThenBy(j => j.I).ThenBy(j => j.F).ToArray(); // longest first: less idle at the end
            int jobsDone = 0;
            try
            {
                Parallel.ForEach(Partitioner.Create(jobs, EnumerablePartitionerOptions.NoBuffering),
                    new ParallelOptions { MaxDegreeOfParallelism = run.Local, CancellationToken = guard }, job =>
                    {
                        var (i, f) = job;
                        var fold = run.Folds[f];
                        var config = run.Configs[i];
                        long t0 = Stopwatch.GetTimestamp();
                        var model = _runs[i][f] ??= new FoldRun(config, fold.TrainX, fold.TrainLabels, fold.TrainTargets, run.Outputs, run.Loss,
                            new Rng(Mix(run.O.Seed, (ulong)i, (ulong)f + 1)));
                        model.TrainTo((long)Math.Round(target * fold.TrainRows), guard);
                        partial[i, f] = Score(model, fold);
                        Trace?.Invoke(config, run.Cost.Train(config, d, run.Outputs, fold.TrainRows, (target - before) * fold.TrainRows)
                            + run.Cost.Evaluate(config, d, run.Outputs, fold.ValRowCount), Stopwatch.GetElapsedTime(t0).TotalSeconds);
                        lock (run.Lock)
                        {
                            jobsDone++;
                            if (++finished[i] == k && run.Group is null) _scores[i].Add(Pool(partial, i, r, target));
                            run.Report("rung", r, Sizes.Length, jobsDone, jobs.Length, target, Leaderboard);
                        }
                    });
                return true;
            }
            catch (OperationCanceledException) when (!run.Ct.IsCancellationRequested)
            {
                StoppedByClock = true;
                if (r == 0 && _scores.Any(sc => sc.Count > 0))
                {
                    // The first rung unfinished: the standing is that of the candidates that finished it.
                    for (int i = 0; i < _n0; i++) if (_scores[i].Count > 0) _diverged[i] = Enumerable.Range(0, k).Any(f => partial[i, f].Diverged);
                    PartialFirst = _scores.Count(sc => sc.Count > 0);
                    LastRung = 0;
                }
                // Otherwise drop this rung's partial scores: the standing is the last finished rung's.
                else for (int i = 0; i < _n0; i++) if (_scores[i].Count > r) _scores[i].RemoveAt(r);
                return false;
            }
        }

        // After rung r: the later rungs' epochs (and sizes) re-planned for what is left; the eliminated freed.
        private void Replan(int r, double pace)
        {
            var (run, target) = (_run, _epochs[r]);
            var survivors = _alive.Take(Sizes[r + 1]).ToList();
            // What is left, in predicted worker-seconds: unpaced, the plan's work less what was done; paced, the wall
            // time left (as the recorded paces count it) at the latest rung's pace.
            double left = run.Paced ? Math.Max(0, (run.Budget - _spent) * run.P * ReplanFraction / pace) : run.Work - _done;
            var (next, wider) = SearchPlanner.Replan(Sizes, r, target, survivors.Average(i => run.CvEpoch[i]), survivors.Average(i => run.CvEval[i]),
                run.FinalPerEpoch(survivors), left, run.O.MaxEpochs);
            for (int j = r + 1; j < Sizes.Length; j++) _epochs[j] = next[j];
            Sizes = wider;
            foreach (int i in _alive.Skip(Sizes[r + 1])) _runs[i] = new FoldRun?[_k]; // free the eliminated
            _alive = [.. _alive.Take(Sizes[r + 1])];
        }

        /// <summary>Every candidate scored so far, best first: later rungs first, then by loss, diverged last, ties by id.</summary>
        public IReadOnlyList<CandidateResult> Leaderboard()
            => [.. Enumerable.Range(0, _n0).Where(i => _scores[i].Count > 0)
                .Select(i => new CandidateResult(i, _run.Configs[i], [.. _scores[i]], _diverged[i] || double.IsInfinity(_scores[i][^1].Loss)))
                .OrderBy(c => Key(c.Last, c.Diverged)).ThenBy(c => c.Id)];

        private static (int, int, double) Key(RungScore s, bool diverged) => (diverged || double.IsNaN(s.Loss) ? 1 : 0, -s.Rung, double.IsNaN(s.Loss) ? double.PositiveInfinity : s.Loss);

        // One fold model's validation: (Σ −log P(y|x) or Σ squared error, rows right, diverged).
        private (double Loss, double Hits, bool Diverged) Score(FoldRun model, Fold fold)
        {
            var data = _run.Data;
            if (model.Diverged) return (double.PositiveInfinity, 0, true);
            var outputs = Trainer.Outputs(model.Network, fold.ValX).ToArray();
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

        // Candidate i's k validations pooled: every training row predicted once.
        private RungScore Pool((double Loss, double Hits, bool Diverged)[,] partial, int i, int rung, double epochs)
        {
            double loss = 0, hits = 0;
            for (int f = 0; f < _k; f++) { loss += partial[i, f].Loss; hits += partial[i, f].Hits; }
            int n = _run.Data.Rows;
            return _run.Data.Task == SearchTask.Regression
                ? new RungScore(rung, epochs, loss / n, double.NaN, Math.Sqrt(loss / n))
                : new RungScore(rung, epochs, loss / n, hits / n, double.NaN);
        }

        // Every rank's scores of this rung: each filled in its own fold models' (the others are zero), summed.
        private void ShareScores((double Loss, double Hits, bool Diverged)[,] partial)
        {
            var flat = new double[_n0 * _k * 3];
            for (int i = 0; i < _n0; i++)
                for (int f = 0; f < _k; f++)
                {
                    var (loss, hits, diverged) = partial[i, f];
                    int at = (i * _k + f) * 3;
                    (flat[at], flat[at + 1], flat[at + 2]) = (loss, hits, diverged ? 1 : 0);
                }
            _run.Group!.AllReduceSum(flat);
            for (int i = 0; i < _n0; i++)
                for (int f = 0; f < _k; f++)
                {
                    int at = (i * _k + f) * 3;
                    partial[i, f] = (flat[at], flat[at + 1], flat[at + 2] != 0);
                }
        }
    }
}
