using System.Diagnostics;
using Theta.Classic;
using Theta.Data;
using Theta.Metrics;
using Theta.Training;

namespace Theta.Cli.Bench;

/// <summary>One classic model's fit time (seconds: min, median, max over reps) and accuracies.</summary>
internal sealed record ClassicResult(string Model, int Threads, double Min, double Median, double Max, double TrainAccuracy, double TestAccuracy, string Notes);

/// <summary>
/// Fit time of Bernoulli naive Bayes (α = 1) and logistic regression on the classic workload,
/// at the objective scikit-learn's LogisticRegression() minimises (L2 with C = 1, i.e. λ = 1/n
/// on the mean log-likelihood), solved by Newton's method. The first fit of each is a warm-up.
/// </summary>
internal static class ClassicBench
{
    public static List<ClassicResult> Run(int[] threads, int reps, Action<string>? status = null, string? exportDir = null)
    {
        status?.Invoke("making 120,000 × 200 binary rows");
        var (train, test) = ClassicWorkload.Make();
        if (exportDir is not null)
        {
            status?.Invoke($"writing {exportDir}/train.csv and test.csv");
            Directory.CreateDirectory(exportDir);
            Export(train, Path.Combine(exportDir, "train.csv"));
            Export(test, Path.Combine(exportDir, "test.csv"));
        }
        var results = new List<ClassicResult>();
        int saved = ThetaRuntime.Threads;
        try
        {
            foreach (int t in threads)
            {
                ThetaRuntime.Threads = t;
                status?.Invoke($"Bernoulli naive Bayes, {t} thread(s)");
                results.Add(Time("BernoulliNaiveBayes(alpha=1)", t, reps, train, test, () => BernoulliNaiveBayes.Fit(train, 1.0), _ => ""));
                status?.Invoke($"logistic regression (Newton), {t} thread(s)");
                var options = new LogisticRegressionOptions(Steps: 50, L2: 1f / train.Rows, Solver: LogisticSolver.Newton);
                int iterations = 0;
                results.Add(Time("LogisticRegression(newton, C=1)", t, reps, train, test,
                    () => { iterations = 0; return LogisticRegression.Fit(train, options, (_, _) => iterations++); },
                    _ => $"n_iter={iterations}"));
            }
        }
        finally { ThetaRuntime.Threads = saved; }
        return results;
    }

    // Binary features as 0/1 text, label last: the same file layout theta train reads.
    private static void Export(Dataset d, string path) => Theta.Io.AtomicFile.Write(path, stream =>
    {
        using var w = new StreamWriter(stream, leaveOpen: true);
        w.Write(string.Join(",", d.FeatureNames));
        w.Write(",Label\n");
        var x = d.Features.Data;
        var line = new char[2 * d.FeatureCount + 2];
        for (int r = 0; r < d.Rows; r++)
        {
            for (int j = 0; j < d.FeatureCount; j++) { line[2 * j] = x[r * d.FeatureCount + j] == 1f ? '1' : '0'; line[2 * j + 1] = ','; }
            line[^2] = (char)('0' + d.Labels[r]);
            line[^1] = '\n';
            w.Write(line);
        }
    });

    private static ClassicResult Time(string name, int threads, int reps, Dataset train, Dataset test, Func<IClassifier> fit, Func<IClassifier, string> notes)
    {
        var times = new double[reps];
        IClassifier model = fit(); // warm-up
        for (int r = 0; r < reps; r++)
        {
            var sw = Stopwatch.StartNew();
            model = fit();
            times[r] = sw.Elapsed.TotalSeconds;
        }
        Array.Sort(times);
        double acc(Dataset d) => ClassificationMetrics.Compute(model.PredictProba(d.Features), d.Labels, d.Classes).Accuracy;
        return new ClassicResult(name, threads, times[0], Timing.Median(times), times[^1], acc(train), acc(test), notes(model));
    }
}
