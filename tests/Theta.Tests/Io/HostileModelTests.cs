using System.Text;
using System.Text.Json.Nodes;
using Theta.Classic;
using Theta.Io;
using Theta.Nn;
using Theta.Training;
using Theta.Tabular;

namespace Theta.Tests.Io;

/// <summary>
/// The crafted model files of issue 19 by name: each is refused before anything large is allocated,
/// with one line naming the file and the field. (The seeded mutation fuzzing lives in FuzzTests.)
/// </summary>
public sealed class HostileModelTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("theta-hostile-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Writes a network file with <paramref name="layers"/> (JSON), zero weights of the given shapes, and an optional input shape.</summary>
    internal static void Craft(string path, string layers, string? inputShape, params (string Name, int[] Shape)[] tensors)
    {
        var arch = $$"""{"format":"theta-model","version":1,"kind":"network","network":{"type":"Sequential","layers":{{layers}}}{{(inputShape is null ? "" : $",\"inputShape\":{inputShape}")}}}""";
        SafeTensors.Write(path, [.. tensors.Select(t => (t.Name, Tensor.Zeros(t.Shape)))], new Dictionary<string, string> { ["theta"] = arch });
    }

    private const string Conv = """{"type":"Conv2d","in":1,"out":1,"kernel":3,"stride":1,"padding":PAD,"bias":true}""";
    private const string FlattenLinear = """{"type":"Flatten","startDim":1,"endDim":-1},{"type":"Linear","in":784,"out":10,"bias":true}""";
    private static readonly (string, int[])[] ConvWeights = [("0.weight", [1, 1, 3, 3]), ("0.bias", [1]), ("2.weight", [10, 784]), ("2.bias", [10])];

    private string Path_(string name) => Path.Combine(_dir, name);

    // Runs a load and returns its one-line refusal; asserts it names the file and allocated little.
    private static string Refusal(string path, Action load, long maxAllocated = 64L << 20)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ModelFormatException>(load);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.StartsWith(path + ": ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.True(allocated < maxAllocated, $"allocated {allocated >> 20} MiB before refusing: {e.Message}");
        return e.Message;
    }

    [Fact]
    public void Conv2dPadding4000IsRefusedFromTheArchitecture()
    {
        string f = Path_("pad4000.theta");
        Craft(f, $"[{Conv.Replace("PAD", "4000")},{FlattenLinear}]", "[1,28,28]", ConvWeights);
        var m = Refusal(f, () => NetworkFile.Read(f));
        Assert.Contains("layer 0 (Conv2d): field \"padding\" is 4000; expected 0 to 2", m);
        Refusal(f, () => Theta.Explain.InspectedModel.Load(f));
    }

    [Fact]
    public void InputShape20000By20000IsRefusedBeforeAnythingRuns()
    {
        string f = Path_("big.theta");
        Craft(f, $"[{Conv.Replace("PAD", "1")},{FlattenLinear}]", "[1,20000,20000]", ConvWeights);
        var m = Refusal(f, () => NetworkFile.Read(f));
        Assert.Contains("architecture field \"inputShape\" [1, 20000, 20000] is 400,000,000 values per example, over the limit", m);
        Refusal(f, () => Theta.Explain.InspectedModel.Load(f).Summary());
    }

    [Fact]
    public void InputShapeOfIntMaxIsRefusedNamingTheFile()
    {
        string f = Path_("huge.theta");
        Craft(f, $"[{FlattenLinear}]", "[1,2147483647,2]", ("1.weight", [10, 784]), ("1.bias", [10]));
        Assert.Contains("[1, 2147483647, 2] is 4,294,967,294 values per example", Refusal(f, () => NetworkFile.Read(f)));
    }

    [Fact]
    public void ALayerThatGrowsPastTheBudgetIsRefusedAndOneWithinItIsNot()
    {
        // 1×1 convolution to 8192 channels: 8,192 weights, but 8192·784 = 6.4 Mi floats of output per example.
        string wide = """[{"type":"Conv2d","in":1,"out":O,"kernel":1,"stride":1,"padding":0,"bias":false},{"type":"Flatten","startDim":1,"endDim":-1},{"type":"Linear","in":IN,"out":1,"bias":false}]""";
        string f = Path_("wide.theta");
        Craft(f, wide.Replace("IN", $"{32 * 784}").Replace("O", "32"), "[1,28,28]", ("0.weight", [32, 1, 1, 1]), ("2.weight", [1, 32 * 784]));
        Assert.NotNull(NetworkFile.Read(f).Network);                    // 32 channels: well inside
        var m = Refusal(f, () => NetworkFile.Read(f, [1, 28, 28], maxActivationFloats: 20_000));
        Assert.Contains("layer 0 (Conv2d) outputs [1, 32, 28, 28]", m);
        Assert.Contains("over the limit of 20,000 floats", m);
    }

    [Fact]
    public void AFlattenAxisOutsideTheInputIsOneLine()
    {
        string f = Path_("flatten.theta");
        Craft(f, """[{"type":"Flatten","startDim":7,"endDim":-1},{"type":"Linear","in":784,"out":10,"bias":true}]""", "[1,28,28]", ("1.weight", [10, 784]), ("1.bias", [10]));
        Assert.Contains("layer 0 (Flatten): field \"startDim\" is 7", Refusal(f, () => NetworkFile.Read(f)));
    }

    [Fact]
    public void AFlippedByteInTheHeaderIsNotABareUtf8Message()
    {
        string f = Path_("flip.theta");
        NetworkFile.Save(new Sequential(new Linear(3, 2, new Rng(1))), f, new NetworkMetadata(Classes: ["a", "b"]));
        var bytes = File.ReadAllBytes(f);
        int at = Encoding.ASCII.GetString(bytes).IndexOf("\\\"a\\\"", StringComparison.Ordinal) + 2;   // inside the class name "a"
        bytes[at] = 0xC3;                                                                                // a lead byte with no continuation
        File.WriteAllBytes(f, bytes);
        Assert.Contains("not valid UTF-8", Refusal(f, () => NetworkFile.Read(f)));
        // A lone surrogate, escaped in the metadata string or inside the architecture's JSON: one line, never .NET's transcoding message.
        foreach (var arch in new[] { "{\"format\":\"theta-model\",\"x\":\"\ud800\"}", "{\"format\":\"theta-model\",\"version\":1,\"kind\":\"network\",\"classes\":[\"\\ud800\"]}" })
        {
            SafeTensors.Write(f, [("w", Tensor.Zeros(1))], new Dictionary<string, string> { ["theta"] = arch });
            var m = Refusal(f, () => NetworkFile.Read(f));
            Assert.DoesNotContain("transcode", m, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("UTF-16", m, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(-1f, "class 0 is -1")]
    [InlineData(1e30f, "class 0 is 1E+30")]
    [InlineData(2.5f, "class 0 is 2.5")]
    public void NaiveBayesCountsThatNoTrainingMakesAreFormatErrors(float classCount, string expected)
    {
        string f = Path_("nb.theta");
        var nb = new BernoulliNaiveBayes([3, 4], new long[,] { { 1, 2 }, { 3, 4 } }, ["x", "y"], ["f1", "f2"], 1.0);
        ModelFile.Save(new TrainedModel(nb, null, new Theta.Data.CsvOptions()), f);
        // Flip class_counts[0] in the data region: the tensors are written in order, class_counts first.
        var bytes = File.ReadAllBytes(f);
        long header = BitConverter.ToInt64(bytes, 0);
        BitConverter.GetBytes(classCount).CopyTo(bytes, 8 + header);
        File.WriteAllBytes(f, bytes);
        var m = Refusal(f, () => ModelFile.Load(f));
        Assert.Contains("tensor \"class_counts\"", m);
        Assert.Contains(expected, m);
    }

    [Fact]
    public void AOneCountAboveItsClassCountIsAFormatError()
    {
        string f = Path_("nb2.theta");
        var nb = new BernoulliNaiveBayes([3, 4], new long[,] { { 1, 2 }, { 3, 9 } }, ["x", "y"], ["f1", "f2"], 1.0);
        ModelFile.Save(new TrainedModel(nb, null, new Theta.Data.CsvOptions()), f);
        Assert.Contains("tensor \"one_counts\" [1, 1] is 9; expected a whole count from 0 to 4", Refusal(f, () => ModelFile.Load(f)));
    }

    [Fact]
    public void WhatTheFuzzerFoundIsRefusedInOneLine()
    {
        // A duplicated key in the safetensors header (an ArgumentException from System.Text.Json, found at case 5,293 of 10,000).
        string f = Path_("dup.theta");
        var header = """{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""";
        File.WriteAllBytes(f, [.. BitConverter.GetBytes((long)header.Length), .. Encoding.UTF8.GetBytes(header), 0, 0, 0, 0]);
        Assert.Contains("the header is malformed", Refusal(f, () => NetworkFile.Read(f)));
        // A null in the CSV options' "drop" list (a NullReferenceException, found at case 119 of 5,000).
        var nb = new BernoulliNaiveBayes([3, 4], new long[,] { { 1, 2 }, { 3, 4 } }, ["x", "y"], ["f1", "f2"], 1.0);
        ModelFile.Save(new TrainedModel(nb, null, new Theta.Data.CsvOptions(Drop: ["z"])), f);
        var bytes = File.ReadAllBytes(f);
        int at = bytes.AsSpan().IndexOf("[\\\"z\\\"]"u8);
        "[null ]"u8.CopyTo(bytes.AsSpan(at));   // the same length: the header stays framed
        File.WriteAllBytes(f, bytes);
        Assert.Contains("architecture field \"csv\" entry \"drop\" must be a list of column names", Refusal(f, () => ModelFile.Load(f)));
    }

    [Fact]
    public void AGzipBombOfAnIdxFileCostsOnlyWhatItsHeaderClaims()
    {
        // One 28×28 image announced, then 64 MiB of zeros, gzipped to ~64 KB.
        string f = Path_("bomb.idx.gz");
        using (var gz = new System.IO.Compression.GZipStream(File.Create(f), System.IO.Compression.CompressionLevel.Fastest))
        {
            gz.Write([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 28, 0, 0, 0, 28]);
            var zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) gz.Write(zeros);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<Theta.Data.DataException>(() => Theta.Data.Idx.Read(f, Theta.Data.Idx.ImagesMagic));
        Assert.Contains("the header says 1 × 28 × 28 = 784 values but the file holds more", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 8 << 20, "read far past the header's claim");
    }

    [Fact]
    public void AStreamIsReadOnceAndAnEndlessOneIsRefused()
    {
        string f = Path_("ok.theta");
        NetworkFile.Save(new Sequential(new Linear(3, 2, new Rng(1))), f);
        var bytes = File.ReadAllBytes(f);
        var (tensors, _) = SafeTensors.Read(new PipeLike(bytes, endless: false), "pipe");
        Assert.Equal(2, tensors.Count);
        var e = Assert.Throws<ModelFormatException>(() => SafeTensors.Read(new PipeLike(bytes, endless: true), "pipe"));
        Assert.Contains("goes on after", e.Message);
        e = Assert.Throws<ModelFormatException>(() => SafeTensors.Read(new PipeLike([], endless: true), "/dev/zero"));  // header length 0
        Assert.StartsWith("/dev/zero: the header claims 0 bytes", e.Message);
    }

    [Fact]
    public void EveryLayerTypeAFileMayNameHasASizeRule()
    {
        // One description per known type, each fed a fitting input; a type added to NetworkArchitecture without a rule fails here.
        var samples = new Dictionary<string, (string Json, int[] Input)>
        {
            ["Sequential"] = ("""{"type":"Sequential","layers":[{"type":"ReLU"}]}""", [4]),
            ["Linear"] = ("""{"type":"Linear","in":4,"out":2,"bias":true}""", [4]),
            ["Conv2d"] = ("""{"type":"Conv2d","in":1,"out":2,"kernel":3,"stride":1,"padding":1,"bias":true}""", [1, 5, 5]),
            ["MaxPool2d"] = ("""{"type":"MaxPool2d","kernel":2,"stride":2,"padding":0}""", [1, 4, 4]),
            ["Flatten"] = ("""{"type":"Flatten","startDim":1,"endDim":-1}""", [1, 4, 4]),
            ["Dropout"] = ("""{"type":"Dropout","p":0.5}""", [4]),
            ["Sigmoid"] = ("""{"type":"Sigmoid"}""", [4]),
            ["Tanh"] = ("""{"type":"Tanh"}""", [4]),
            ["ReLU"] = ("""{"type":"ReLU"}""", [4]),
            ["LeakyReLU"] = ("""{"type":"LeakyReLU","slope":0.1}""", [4]),
            ["Softmax"] = ("""{"type":"Softmax","axis":-1}""", [4]),
            ["LogSoftmax"] = ("""{"type":"LogSoftmax","axis":-1}""", [4]),
        };
        Assert.Equal(NetworkArchitecture.KnownTypes.Order(), samples.Keys.Order());
        foreach (var (type, (json, input)) in samples)
        {
            var m = NetworkArchitecture.Build(JsonNode.Parse(json), "t");
            long need = ActivationBudget.Check(m, input, "t", long.MaxValue);
            m.Eval();
            Assert.Equal(m.Forward(Tensor.Zeros([1, .. input])).Size, need - ExpectedBeforeLast(m, input));   // the rule's shape is the layer's
        }
    }

    // The budget's total minus the last layer's output (input, earlier outputs, workspace), for a single layer: input + workspace.
    private static long ExpectedBeforeLast(Module m, int[] input)
    {
        long x = input.Aggregate(1L, (a, b) => a * b);
        return m switch
        {
            Conv2d c => x + 1L * c.InChannels * c.Kernel * c.Kernel * 5 * 5,   // column buffer [C·K², OH·OW] on 5×5 with padding 1
            MaxPool2d => x + 1 * 2 * 2,                                          // one argmax per output
            _ => x,
        };
    }

    [Fact]
    public void TheMnistCnnNeedsWhatTheArithmeticSays()
    {
        // By hand, one 28×28 example: outputs 784 (input) + 15,680 ×2 (conv1, relu) + 3,920 (pool) + 7,840 ×2 (conv2, relu)
        // + 1,960 ×2 (pool, flatten) + 128 ×3 (linear, relu, dropout) + 10 = 56,058; the largest workspace is conv2's
        // column buffer 20·5²·14·14 = 98,000. Total 154,058 floats.
        var cnn = MnistNetworks.Create("cnn", new Rng(1));
        Assert.Equal(154_058, ActivationBudget.Check(cnn, [1, 28, 28], "cnn", ActivationBudget.LimitFor(cnn.ParameterCount)));
    }

    /// <summary>A non-seekable stream: the bytes, then (endless) zeros forever, as a pipe or /dev/zero gives.</summary>
    private sealed class PipeLike(byte[] bytes, bool endless) : Stream
    {
        private int _at;
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_at < bytes.Length) { int n = Math.Min(count, bytes.Length - _at); Array.Copy(bytes, _at, buffer, offset, n); _at += n; return n; }
            if (!endless) return 0;
            Array.Clear(buffer, offset, count);
            return count;
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
