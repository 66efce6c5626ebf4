using System.Diagnostics;
using Theta.Training;
using Theta.Nn;

namespace Theta.Search;

/// <summary>
/// How long training takes on one worker, the unit in which a search is planned and counted:
/// a mini-batch step of B examples through a network of M multiply-adds per example, U units (hidden and output),
/// d inputs and L modules costs t = a·B·(3M + d) + u·B·U + b·L: the forward and two backward products with the batch
/// copy, the elementwise work (bias, activation, dropout and their gradients), and a fixed overhead per module per
/// step; evaluating costs a third of the first two. Work is counted in these predicted worker-seconds, never on the
/// clock, so a plan runs the same way however the threads are timed.
/// </summary>
/// <param name="SecondsPerMultiplyAdd">a, seconds per multiply-add on one worker (with the other workers busy).</param>
/// <param name="SecondsPerLayerStep">b, seconds of per-module overhead of one step.</param>
/// <param name="SecondsPerUnit">u, seconds of elementwise work per unit per example of a step.</param>
public sealed record CostModel(double SecondsPerMultiplyAdd, double SecondsPerLayerStep, double SecondsPerUnit)
{
    public double SecondsPerMultiplyAdd { get; init; } = Positive(SecondsPerMultiplyAdd, nameof(SecondsPerMultiplyAdd));
    public double SecondsPerLayerStep { get; init; } = Positive(SecondsPerLayerStep, nameof(SecondsPerLayerStep));
    public double SecondsPerUnit { get; init; } = Positive(SecondsPerUnit, nameof(SecondsPerUnit));

    /// <summary>
    /// Seconds the search spent before its first rung (data, folds, calibration) as the plan counted them, or null
    /// when the plan does not follow the clock (a cost given as <c>a,b,u</c> alone: the plan is then in predicted work only).
    /// </summary>
    public double? Start { get; init; }

    /// <summary>
    /// The pace of each finished rung: its wall time × workers ÷ its predicted work (rounded to two digits), with which
    /// the rungs after it were re-planned. Measured during a run (null before); given, a run re-plans with these figures
    /// instead of the clock, so that <c>--cost</c> with them repeats a run exactly.
    /// </summary>
    public IReadOnlyList<double>? Paces { get; init; }

    /// <summary>Rounds a pace to two significant digits (so that the figures a run reports repeat it exactly).</summary>
    public static double RoundPace(double pace)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        return double.Parse(Math.Clamp(pace, 0.01, 100).ToString("G2", inv), inv);
    }

    private static double Positive(double v, string field) => v > 0 && double.IsFinite(v) ? v
        : throw new ArgumentException($"CostModel: {field} must be positive, got {v}", field);

    /// <summary>Predicted seconds to train <paramref name="config"/> on <paramref name="examples"/> examples out of <paramref name="rows"/> per epoch.</summary>
    public double Train(CandidateConfig config, int d, int outputs, int rows, double examples)
    {
        int B = Math.Min(config.BatchSize, rows);
        double steps = Math.Ceiling(examples / B);
        return steps * Step(config, d, outputs, B);
    }

    /// <summary>Predicted seconds of one step of <paramref name="batch"/> examples.</summary>
    public double Step(CandidateConfig config, int d, int outputs, int batch) =>
        SecondsPerMultiplyAdd * batch * (3.0 * config.MultiplyAdds(d, outputs) + d) + SecondsPerUnit * batch * config.Units(outputs) + SecondsPerLayerStep * config.LayerCount;

    /// <summary>Predicted seconds to evaluate <paramref name="config"/> on <paramref name="rows"/> examples (chunks of 1000).</summary>
    public double Evaluate(CandidateConfig config, int d, int outputs, int rows)
        => (SecondsPerMultiplyAdd * rows * (config.MultiplyAdds(d, outputs) + d) + SecondsPerUnit * rows * config.Units(outputs)
            + SecondsPerLayerStep * Math.Ceiling(rows / 1000.0) * config.LayerCount) / 3;

    /// <summary>
    /// As text, the form <c>--cost</c> takes: <c>a,b,u</c>, e.g. <c>7e-11,1.9e-5,3e-9</c>, followed, once a run has measured them,
    /// by <c>/start/pace,pace,…</c> (<see cref="Start"/> and <see cref="Paces"/>), e.g. <c>7e-11,1.9e-5,3e-9/1.2/0.31,0.45</c>.
    /// </summary>
    public override string ToString()
    {
        var abu = FormattableString.Invariant($"{SecondsPerMultiplyAdd:0.###e0},{SecondsPerLayerStep:0.###e0},{SecondsPerUnit:0.###e0}");
        if (Start is not { } start) return abu;
        return FormattableString.Invariant($"{abu}/{start:0.##}/{string.Join(",", (Paces ?? []).Select(p => p.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}");
    }

    /// <summary>Parses <c>a,b,u</c> (seconds per multiply-add, per module step, per unit and example), optionally followed by <c>/start/pace,…</c>.</summary>
    public static CostModel Parse(string text)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var fl = System.Globalization.NumberStyles.Float;
        var sections = text.Split('/');
        var parts = sections[0].Split(',');
        var v = new double[3];
        if (sections.Length is 1 or 3 && parts.Length == 3 && parts.Select((p, i) => double.TryParse(p, fl, inv, out v[i]) && v[i] > 0).All(ok => ok))
        {
            var cost = new CostModel(v[0], v[1], v[2]);
            if (sections.Length == 1) return cost;
            var paces = sections[2].Length == 0 ? [] : sections[2].Split(',').Select(p => double.TryParse(p, fl, inv, out double x) && x > 0 ? x : double.NaN).ToArray();
            if (double.TryParse(sections[1], fl, inv, out double start) && start >= 0 && paces.All(double.IsFinite))
                return cost with { Start = start, Paces = paces };
        }
        throw new ArgumentException($"cost \"{text}\" must be three positive numbers a,b,u: seconds per multiply-add, per module step and per unit and example, optionally followed by /start/pace,pace,… (as a search reports them), e.g. 7e-11,1.9e-5,3e-9 or 7e-11,1.9e-5,3e-9/1.2/0.31,0.45");
    }

    /// <summary>
    /// Measures a, b and u on this machine with <paramref name="workers"/> workers busy at once: six probe networks,
    /// from compute-bound (two layers of 200, batch 256) to overhead-bound (no hidden layer, batch 16), each trained
    /// on <paramref name="x"/> for <paramref name="probeSeconds"/> after a warm-up (the fastest of three windows), then a least-squares fit of the
    /// step times in relative error.
    /// </summary>
    public static CostModel Calibrate(Tensor x, int outputs, int workers, double probeSeconds = 0.12)
    {
        int rows = x.Shape[0], d = x.Shape[1];
        CandidateConfig Probe(int[] hidden, int batch, float dropout = 0) => new(hidden, Activation.Relu, dropout, Theta.Optim.OptimizerKind.Adam, 1e-3f, 1e-5f, batch);
        CandidateConfig[] probes =
        [
            Probe([200, 200], 256), Probe([], 16), Probe([100], 16, 0.2f), Probe([20, 20, 20], 128), Probe([200], 64), Probe([50, 50], 32),
        ];
        var t = probes.Select(c => Time(c)).ToArray();
        // Rows [B(3M + d), L, B·U] / t: least squares in relative error, by the 3×3 normal equations.
        var rowsA = probes.Select((c, i) =>
        {
            int B = Math.Min(c.BatchSize, rows);
            return new[] { B * (3.0 * c.MultiplyAdds(d, outputs) + d) / t[i], c.LayerCount / t[i], (double)B * c.Units(outputs) / t[i] };
        }).ToArray();
        var coef = LeastSquares(rowsA, [.. probes.Select(_ => 1.0)]);
        // Noise can push a term to or below zero: floor each at a tiny positive value.
        // Rounded to the digits the text form keeps, so that the figures a run reports are exactly those it planned with.
        return Parse(new CostModel(Math.Max(coef[0], 1e-14), Math.Max(coef[1], 1e-8), Math.Max(coef[2], 1e-12)).ToString());

        double Time(CandidateConfig c)
        {
            var times = new double[workers];
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
            {
                var run = new FoldRun(c, x, null, Tensor.Zeros(rows, outputs), outputs, TrainingLoss.SquaredError, new Rng((ulong)w + 7));
                var warm = Stopwatch.StartNew();
                while (warm.Elapsed.TotalSeconds < probeSeconds * 0.5) run.Steps(2);
                // The fastest of three windows: other processes' bursts only ever slow a window down.
                times[w] = double.PositiveInfinity;
                for (int window = 0; window < 3; window++)
                {
                    var clock = Stopwatch.StartNew();
                    long steps = 0;
                    while (clock.Elapsed.TotalSeconds < probeSeconds / 3) { run.Steps(2); steps += 2; }
                    times[w] = Math.Min(times[w], clock.Elapsed.TotalSeconds / steps);
                }
            });
            return times.Average();
        }
    }

    // min ‖A c − y‖² through AᵀA c = Aᵀy (Gaussian elimination, 3 unknowns).
    private static double[] LeastSquares(double[][] A, double[] y)
    {
        int k = A[0].Length;
        var m = new double[k, k + 1];
        for (int r = 0; r < A.Length; r++)
            for (int i = 0; i < k; i++)
            {
                for (int j = 0; j < k; j++) m[i, j] += A[r][i] * A[r][j];
                m[i, k] += A[r][i] * y[r];
            }
        for (int c = 0; c < k; c++)
        {
            int p = Enumerable.Range(c, k - c).MaxBy(r => Math.Abs(m[r, c]));
            for (int j = 0; j <= k; j++) (m[c, j], m[p, j]) = (m[p, j], m[c, j]);
            if (Math.Abs(m[c, c]) < 1e-300) continue;
            for (int r = 0; r < k; r++)
            {
                if (r == c) continue;
                double f = m[r, c] / m[c, c];
                for (int j = c; j <= k; j++) m[r, j] -= f * m[c, j];
            }
        }
        return [.. Enumerable.Range(0, k).Select(i => Math.Abs(m[i, i]) < 1e-300 ? 0 : m[i, k] / m[i, i])];
    }
}
