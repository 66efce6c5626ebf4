using Theta.Data;
using Theta.Io;
using Theta.Metrics;
using Theta.Nn;
using Theta.Rl;
using Theta.Tests;
using Theta.Training;

namespace Theta.Onnx.Tests;

/// <summary>Network files (theta train mnist's networks, the committed CNN, a critter's brain) exported and run by ONNX Runtime, and imported back.</summary>
public sealed class NetworkExportTests
{
    private static readonly string CommittedCnn = Path.Combine(AppContext.BaseDirectory, "models", "mnist-cnn.theta");
    private static readonly string CommittedBrain = Path.Combine(AppContext.BaseDirectory, "models", "critter-brain.theta");

    private static MnistSplit Test256() => Mnist.LoadSplit(Path.Combine(TestData.Root, "mnist"), "t10k").Take(256);

    // theta train mnist's three networks (fresh seeded weights for the MLPs: export maps layers, not training) and the committed, trained CNN.
    public static TheoryData<string> MnistNetworks => ["mlp", "sigmoid", "cnn", "committed-cnn"];

    private static NetworkModel MnistModel(string name) => name == "committed-cnn"
        ? NetworkFile.Read(CommittedCnn)
        : new NetworkModel(Training.MnistNetworks.Create(name, new Rng(7)), new NetworkMetadata([1, 28, 28], [.. Enumerable.Range(0, 10).Select(i => $"{i}")], "mnist"));

    [Theory, MemberData(nameof(MnistNetworks))]
    public void MnistNetworkAgreesWithOnnxRuntimeOn256TestImages(string name)
    {
        var model = MnistModel(name);
        model.Network.Eval();
        var path = Path.Combine(Judge.TempDir(), $"{name}.onnx");
        OnnxFile.Export(model, path);
        var x = Test256().Images;
        var (ort, shape) = Judge.Run(path, x);
        Assert.Equal([256L, 10L], shape);
        float[] theta;
        using (Autograd.NoGrad()) theta = model.Network.Forward(x).ToArray();
        double diff = Judge.MaxAbsDiff(Judge.Softmax(theta, 10), Judge.Softmax(ort, 10));
        Assert.True(diff <= 1e-5, $"{name}: max |ΔP| = {diff:G3}");
    }

    [Theory, MemberData(nameof(MnistNetworks))]
    public void MnistNetworkExportImportGivesTheSameLayersAndBits(string name)
    {
        var model = MnistModel(name);
        var path = Path.Combine(Judge.TempDir(), $"{name}.onnx");
        OnnxFile.Export(model, path);
        var back = OnnxFile.ImportNetwork(path);
        Judge.SameNetwork(model.Network, back.Network);
        Assert.Equal([1, 28, 28], back.Metadata.InputShape!);
        Assert.Equal(model.Metadata.Classes, back.Metadata.Classes);
        Assert.Equal(model.Metadata.Dataset, back.Metadata.Dataset);
        Assert.Equal(model.Metadata.Extra, back.Metadata.Extra);
    }

    [Fact]
    public void CommittedCnnGivesTheSameTop1AsThetaOnTheWholeMnistTestSet()
    {
        var model = NetworkFile.Read(CommittedCnn);
        var test = Mnist.LoadSplit(Path.Combine(TestData.Root, "mnist"), "t10k");
        var path = Path.Combine(Judge.TempDir(), "cnn.onnx");
        OnnxFile.Export(model, path);
        var (ort, _) = Judge.Run(path, test.Images);
        var theta = Trainer.Probabilities(model.Network, test.Images).ToArray();
        int differ = 0, correct = 0;
        for (int r = 0; r < test.Count; r++)
        {
            int a = ClassificationMetrics.ArgMax(theta.AsSpan(r * 10, 10)), b = ClassificationMetrics.ArgMax(ort.AsSpan(r * 10, 10));
            if (a != b) differ++;
            if (b == test.Labels[r]) correct++;
        }
        Assert.Equal(0, differ);
        Assert.Equal(9943, correct);   // the 99.43 % the web page quotes for this model
    }

    [Fact]
    public void CritterBrainAgreesWithOnnxRuntimeOn1000Observations()
    {
        // 1,000 ticks of the committed brain in a seeded world: the network inputs it saw (temporal window included).
        var brain = NetworkFile.Read(CommittedBrain);
        var agent = BrainFile.Load(CommittedBrain, seed: 3);
        var sim = new Simulation(new World(11), agent);
        int width = agent.Network.Layers.OfType<Linear>().First().InFeatures, A = Critter.ActionCount;
        var inputs = new float[1000 * width];
        for (int t = 0; t < 1000; t++)
        {
            sim.Tick();
            agent.LastInput.CopyTo(inputs.AsSpan(t * width, width));
        }
        var path = Path.Combine(Judge.TempDir(), "brain.onnx");
        OnnxFile.Export(brain, path);
        var x = Tensor.FromArray(inputs, 1000, width);
        var (ort, shape) = Judge.Run(path, x);
        Assert.Equal([1000L, A], shape);
        float[] q;
        using (Autograd.NoGrad()) q = brain.Network.Forward(x).ToArray();
        double diff = Judge.MaxAbsDiff(q, ort);
        Assert.True(diff <= 1e-4, $"max |ΔQ| = {diff:G3}");   // Q-values, not probabilities: up to ~10 in size
        double pdiff = Judge.MaxAbsDiff(Judge.Softmax(q, A), Judge.Softmax(ort, A));
        Assert.True(pdiff <= 1e-5, $"max |ΔP| over softmax(Q) = {pdiff:G3}");
        Assert.True(Enumerable.Range(0, 1000).Select(t => inputs.AsSpan(t * width, width).ToArray()).Distinct(new RowComparer()).Count() > 900, "the observations barely change");
    }

    private sealed class RowComparer : IEqualityComparer<float[]>
    {
        public bool Equals(float[]? a, float[]? b) => a!.AsSpan().SequenceEqual(b);
        public int GetHashCode(float[] a) => a.Aggregate(17, (h, v) => h * 31 + v.GetHashCode());
    }

    [Fact]
    public void CritterBrainExportImportGivesTheSameBrain()
    {
        var dir = Judge.TempDir();
        OnnxFile.Export(NetworkFile.Read(CommittedBrain), Path.Combine(dir, "brain.onnx"));
        OnnxFile.Import(Path.Combine(dir, "brain.onnx"), Path.Combine(dir, "brain.theta"));
        var (original, window, _) = BrainFile.Read(CommittedBrain);
        var (back, windowBack, _) = BrainFile.Read(Path.Combine(dir, "brain.theta"));
        Judge.SameNetwork(original, back);
        Assert.Equal(window, windowBack);
    }

    [Fact]
    public void ImportedNetworkTrainsFurther()
    {
        // An untrained MLP through ONNX and back, then Theta's Trainer: 2 epochs on 2,000 images lift it from chance.
        var dir = Judge.TempDir();
        OnnxFile.Export(new NetworkModel(Training.MnistNetworks.Create("mlp", new Rng(5)), new NetworkMetadata([1, 28, 28])), Path.Combine(dir, "mlp.onnx"));
        var net = OnnxFile.ImportNetwork(Path.Combine(dir, "mlp.onnx")).Network;
        var (train, test) = Mnist.Load(Path.Combine(TestData.Root, "mnist"));
        (train, test) = (train.Take(2000), test.Take(1000));
        double before = Trainer.Evaluate(net, test.Images, test.Labels).Accuracy;
        new Trainer(net, new Optim.Adam(net.Parameters(), new Optim.AdamOptions(2e-3f)), new TrainerOptions(Epochs: 2, BatchSize: 32)).Fit(train.Images, train.Labels);
        double after = Trainer.Evaluate(net, test.Images, test.Labels).Accuracy;
        Assert.True(before < 0.3 && after > 0.8, $"accuracy {before:P1} → {after:P1}");
    }
}
