using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using Theta.Classic;
using Theta.Data;
using Theta.Explain;
using Theta.Fuzz;
using Theta.Io;
using Theta.Nn;
using Theta.Training;
using Theta.Tabular;

namespace Theta.Tests.Io;

/// <summary>
/// Seeded mutation fuzzing of every reader of files, in process: valid files of every kind Theta writes
/// (network files, a training checkpoint, naive Bayes of both kinds, logistic and softmax regression, an
/// mlp, an ensemble, a regression model), CSV text and IDX files, each mutated by <see cref="FileMutator"/>
/// and read by every loader that takes it. Every case must either load to something usable (a network
/// with a stored input shape is then run on one example) or be refused by the reader's own exception
/// with one line that names the file; and no case may allocate more than a bound proportional to its size.
/// THETA_FUZZ=N runs N cases per kind instead of the few the test command runs.
/// </summary>
public sealed class FuzzTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("theta-fuzz-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The most a case may allocate: a fixed allowance (the 64 MiB activation allowance and the loaders' copies) plus 64 × its bytes.</summary>
    private static long Bound(long bytes) => (192L << 20) + 64 * bytes;

    // One case: runs the readers on the file; returns "refused" or "loaded", or throws with the case's seed.
    private static string Run(string path, int caseNo, long size, Action read, params Type[] refusals)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        string outcome;
        try { read(); outcome = "loaded"; }
        catch (Exception e) when (refusals.Contains(e.GetType()))
        {
            Assert.True(e.Message.StartsWith(path, StringComparison.Ordinal), $"case {caseNo}: the refusal does not name the file: {e.Message}");
            Assert.True(e.Message.All(c => !char.IsControl(c)), $"case {caseNo}: the refusal holds a control character: {SafeText.Quote(e.Message, 400)}");
            Assert.True(e.Message.Length < 2000, $"case {caseNo}: a refusal of {e.Message.Length} characters");
            outcome = "refused";
        }
        catch (Exception e)
        {
            Assert.Fail($"case {caseNo}: {e.GetType().Name} escaped the reader: {SafeText.Quote(e.Message, 400)}\n{e.StackTrace}");
            throw;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < Bound(size), $"case {caseNo}: allocated {allocated >> 20} MiB for a file of {size} bytes ({outcome})");
        return outcome;
    }

    private static readonly Type[] ModelRefusals = [typeof(ModelFormatException)];

    /// <summary>Valid files of every kind Theta writes, by name.</summary>
    private Dictionary<string, byte[]> Seeds()
    {
        var seeds = new Dictionary<string, byte[]>();
        string Tmp(string name) => Path.Combine(_dir, "seed-" + name);
        void Add(string name, Action<string> write) { write(Tmp(name)); seeds[name] = File.ReadAllBytes(Tmp(name)); }

        Add("mlp-network", p => NetworkFile.Save(new Sequential(new Linear(4, 5, new Rng(1)), new Tanh(), new Dropout(0.2f, new Rng(2)), new Linear(5, 3, new Rng(3)), new Softmax()), p,
            new NetworkMetadata([4], ["a", "b", "c"], "toy", new Dictionary<string, string> { ["k"] = "v" })));
        Add("cnn-network", p => NetworkFile.Save(new Sequential(new Conv2d(1, 2, 3, new Rng(1), padding: 1), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(32, 3, new Rng(2)), new LeakyReLU(0.1f)), p,
            new NetworkMetadata([1, 8, 8], ["a", "b", "c"])));
        var text = "x1,x2,x3,y\n1,0,1,a\n0,1,1,b\n1,1,0,a\n0,0,1,c\n1,0,0,b\n0,1,0,c\n";
        var ds = CsvReader.Parse(text, "t.csv", new CsvOptions());
        var csv = new CsvOptions(Drop: ["z"], Separator: ',');
        Add("bernoulli", p => ModelFile.Save(new TrainedModel(BernoulliNaiveBayes.Fit(ds), null, csv), p));
        Add("gaussian", p => ModelFile.Save(new TrainedModel(GaussianNaiveBayes.Fit(ds), Standardizer.Fit(ds.Features), csv), p));
        var two = CsvReader.Parse("a,b,y\n1,0.5,0\n0,2,1\n3,1,0\n2,2,1\n", "two.csv", new CsvOptions());
        Add("logistic", p => ModelFile.Save(Fitting.Fit(two, new ModelSpec(ModelKind.Logistic, Logistic: new LogisticRegressionOptions(Steps: 3)), csv), p));
        Add("softmax", p => ModelFile.Save(Fitting.Fit(ds, new ModelSpec(ModelKind.Logistic, Logistic: new LogisticRegressionOptions(Steps: 3)), csv), p));
        var mlp = (NetworkClassifier)Fitting.Fit(ds, new ModelSpec(ModelKind.Mlp, Network: new NetworkOptions([3], Epochs: 1)), csv).Classifier;
        Add("mlp", p => ModelFile.Save(new TrainedModel(mlp, null, csv), p));
        Add("ensemble", p => ModelFile.Save(new TrainedModel(new NetworkEnsemble([mlp, mlp]), null, csv), p));
        Add("regression", p => new RegressionModel([new Sequential(new Linear(2, 3, new Rng(1)), new ReLU(), new Linear(3, 1, new Rng(2)))],
            Standardizer.Fit(two.Features), 0.5f, 2f, ["a", "b"], "y", new CsvOptions()).Save(p));
        Add("checkpoint", p =>
        {
            var net = new Sequential(new Flatten(), new Linear(4, 2, new Rng(1)));
            var trainer = new Trainer(net, new Theta.Optim.Adam(net.Parameters()), new TrainerOptions(1, 2, CheckpointEvery: 1, CheckpointPath: p, CheckpointMetadata: new NetworkMetadata([1, 2, 2])));
            trainer.Fit(Tensor.Normal(new Rng(1), 0, 1, 4, 1, 2, 2), [0, 1, 0, 1]);
        });
        return seeds;
    }

    // Every loader a model file may meet, the way the tools call them.
    private static void ReadModel(string path)
    {
        if (RegressionModel.IsRegressionFile(path))
        {
            var r = RegressionModel.Load(path);
            r.Predict(Tensor.Zeros(1, r.FeatureNames.Count));
            return;
        }
        var inspected = InspectedModel.Load(path);
        if (inspected.NetworkFile?.Metadata.InputShape is { } shape)
        {
            inspected.Summary();
            using var _ = Theta.Autograd.NoGrad();
            inspected.Network!.Forward(Tensor.Zeros([1, .. shape]));
        }
        else if (inspected.Tabular is { } t) t.Classifier.PredictProba(Tensor.Zeros(1, t.Classifier.FeatureNames.Count));
        try { NetworkFile.Read(path, [1, 28, 28], 1L << 20); } catch (ModelFormatException) { }   // as the digit page reads an upload
    }

    [Fact]
    public void MutatedModelFilesAreLoadedOrRefusedInOneNamedLine()
    {
        var seeds = Seeds();
        int cases = FileMutator.Count(small: 40);   // per kind: 10 kinds × 40 = 400 cases in the test command
        var outcomes = new Dictionary<string, int>();
        var sw = Stopwatch.StartNew();
        foreach (var (name, valid) in seeds)
        {
            string path = Path.Combine(_dir, name + ".theta");
            File.WriteAllBytes(path, valid);
            ReadModel(path);   // the seed itself loads
            var mutator = new FileMutator((ulong)name.GetHashCode(StringComparison.Ordinal) ^ 19);
            for (int i = 0; i < cases; i++)
            {
                var bytes = mutator.Model(valid);
                File.WriteAllBytes(path, bytes);
                var o = Run(path, i, bytes.Length, () => ReadModel(path), ModelRefusals);
                outcomes[$"{name} {o}"] = outcomes.GetValueOrDefault($"{name} {o}") + 1;
            }
        }
        Report("model files", outcomes, sw.Elapsed);
    }

    [Fact]
    public void MutatedCsvIsReadOrRefusedInOneNamedLine()
    {
        string valid = File.ReadAllText(TestData.Cs109("heart-train.csv"));
        valid = string.Join('\n', valid.Split('\n').Take(40));   // 40 lines keep a case fast
        var mutator = new FileMutator(1919);
        int cases = FileMutator.Count(small: 300);
        var outcomes = new Dictionary<string, int>();
        var sw = Stopwatch.StartNew();
        string path = Path.Combine(_dir, "data.csv");
        for (int i = 0; i < cases; i++)
        {
            var text = mutator.Csv(valid);
            File.WriteAllText(path, text);
            var o = Run(path, i, Encoding.UTF8.GetByteCount(text), () =>
            {
                var ds = CsvReader.Read(path, new CsvOptions(Drop: ["Demographic"], Limits: new CsvLimits(MaxLineChars: 60_000, MaxCellChars: 4096)));
                if (ds.ClassCount >= 2) Fitting.Fit(ds, new ModelSpec(ModelKind.NaiveBayes), new CsvOptions());
            }, typeof(DataException));
            outcomes[o] = outcomes.GetValueOrDefault(o) + 1;
        }
        Report("CSV", outcomes, sw.Elapsed);
    }

    [Fact]
    public void MutatedIdxFilesAreReadOrRefusedInOneNamedLine()
    {
        // A 5-image IDX file and its labels, plain and gzipped.
        var images = new byte[16 + 5 * 28 * 28];
        new byte[] { 0, 0, 8, 3, 0, 0, 0, 5, 0, 0, 0, 28, 0, 0, 0, 28 }.CopyTo(images, 0);
        for (int i = 16; i < images.Length; i++) images[i] = (byte)(i * 7);
        byte[] labels = [0, 0, 8, 1, 0, 0, 0, 5, 1, 2, 3, 4, 5];
        using var gz = new MemoryStream();
        using (var z = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) z.Write(images);
        var seeds = new (byte[] Bytes, int Magic)[] { (images, Idx.ImagesMagic), (labels, Idx.LabelsMagic), (gz.ToArray(), Idx.ImagesMagic) };
        var mutator = new FileMutator(2051);
        int cases = FileMutator.Count(small: 150);
        var outcomes = new Dictionary<string, int>();
        var sw = Stopwatch.StartNew();
        string path = Path.Combine(_dir, "x.idx");
        for (int i = 0; i < cases; i++)
        {
            var (valid, magic) = seeds[i % seeds.Length];
            var bytes = mutator.Idx(valid);
            File.WriteAllBytes(path, bytes);
            var o = Run(path, i, bytes.Length, () => Idx.Read(path, magic), typeof(DataException));
            outcomes[o] = outcomes.GetValueOrDefault(o) + 1;
        }
        Report("IDX", outcomes, sw.Elapsed);
    }

    // The figures a large run reports (docs/benchmarks.md): cases per outcome and the time.
    private static void Report(string what, Dictionary<string, int> outcomes, TimeSpan elapsed) =>
        Console.WriteLine($"fuzz {what}: {outcomes.Values.Sum()} cases in {elapsed.TotalSeconds:0.0} s: {string.Join(", ", outcomes.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}"))}");
}
