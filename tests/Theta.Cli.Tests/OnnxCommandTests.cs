using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Theta.Cli.Tests;

/// <summary>
/// theta export and theta import, and every network verb reading an .onnx file directly: the committed MNIST CNN
/// and a standardised mlp on heart. Bad input: one line, exit 1, nothing written.
/// </summary>
public sealed class OnnxCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("theta-cli-onnx-").FullName;
    private static readonly string Cnn = Path.Combine(AppContext.BaseDirectory, "models", "mnist-cnn.theta");
    private static string MnistDir => Path.GetDirectoryName(Path.GetDirectoryName(Cli.Cs109("simple-train.csv")))! + "/mnist";

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string P(string name) => Path.Combine(_dir, name);

    private static Cli.Result Ok(params string[] args)
    {
        var r = Cli.Run(args);
        Assert.True(r.ExitCode == 0, $"theta {string.Join(' ', args)}: {r.Err}");
        return r;
    }

    [Fact]
    public void TheExportedCnnIsReadByEveryNetworkVerb()
    {
        Assert.Contains("network model, ONNX opset 17", Ok("export", "--model", Cnn, "--out", P("cnn.onnx")).Out);
        var eval = JsonNode.Parse(Ok("eval", "--model", P("cnn.onnx"), "--data", MnistDir, "--json").Out)!;
        Assert.Equal(0.9943, eval["data"]!["accuracy"]!.GetValue<double>(), 4);
        var summary = JsonNode.Parse(Ok("summary", "--model", P("cnn.onnx"), "--json").Out)!;
        Assert.Equal(272_858, summary["totalParameters"]!.GetValue<int>());
        Ok("filters", "--model", P("cnn.onnx"), "--out", P("filters.png"));
        Ok("activations", "--model", P("cnn.onnx"), "--data", MnistDir, "--index", "3", "--out", P("activations.png"));
        Ok("stimulus", "--model", P("cnn.onnx"), "--layer", "10", "--unit", "7", "--steps", "5", "--out", P("stimulus.png"));
        Assert.All(new[] { "filters.png", "activations.png", "stimulus.png" }, f => Assert.True(new FileInfo(P(f)).Length > 1000, f));
        Assert.Contains("a network of 11 layers", Ok("import", "--model", P("cnn.onnx"), "--out", P("cnn.theta")).Out);
        Assert.Equal(Ok("eval", "--model", Cnn, "--data", MnistDir, "--json").Out, Ok("eval", "--model", P("cnn.theta"), "--data", MnistDir, "--json").Out);
    }

    [Fact]
    public async Task ServeTakesAnOnnxModelForTheDigitRecogniser()
    {
        Ok("export", "--model", Cnn, "--out", P("cnn.onnx"));
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "Theta.Cli.dll"), "serve", "--urls", "http://127.0.0.1:0", "--model", P("cnn.onnx") }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            string? line = await p.StandardOutput.ReadLineAsync(cts.Token);
            var url = Regex.Match(line ?? "", @"open http://(127\.0\.0\.1:\d+)/").Groups[1].Value;
            Assert.NotEmpty(url);
            using var ws = new ClientWebSocket();
            await ws.ConnectAsync(new Uri($"ws://{url}/ws/digits"), cts.Token);
            var buffer = new byte[1 << 20];
            int n = 0;
            ValueWebSocketReceiveResult r;
            do { r = await ws.ReceiveAsync(buffer.AsMemory(n), cts.Token); n += r.Count; } while (!r.EndOfMessage);
            var hello = Encoding.UTF8.GetString(buffer, 0, n);
            Assert.Contains("\"type\":\"model\",\"name\":\"cnn.onnx\"", hello);   // the page's first message: the network it was given
            Assert.Equal(2, Regex.Matches(hello, "\"name\":\"Conv2d\"").Count);
        }
        finally { p.Kill(true); }
    }

    [Fact]
    public void AnExportedMlpPredictsExplainsAndImportsLikeTheOriginal()
    {
        string train = Cli.Cs109("heart-train.csv"), test = Cli.Cs109("heart-test.csv");
        Ok("train", "--train", train, "--model", "mlp", "--hidden", "4", "--epochs", "20", "--standardize", "--drop", "Demographic", "--out", P("mlp.theta"));
        Assert.Contains("mlp model", Ok("export", "--model", P("mlp.theta"), "--out", P("mlp.onnx"), "--opset", "13").Out);
        Assert.Equal(Ok("predict", "--model", P("mlp.theta"), "--data", test).Out, Ok("predict", "--model", P("mlp.onnx"), "--data", test).Out);
        Assert.Equal(Ok("explain", "--model", P("mlp.theta"), "--data", test, "--row", "2", "--json").Out,
            Ok("explain", "--model", P("mlp.onnx"), "--data", test, "--row", "2", "--json").Out);
        Ok("gradcheck", "--model", P("mlp.onnx"), "--data", test, "--json");
        Ok("import", "--model", P("mlp.onnx"), "--out", P("back.theta"));
        Assert.Equal(Ok("eval", "--model", P("mlp.theta"), "--data", test, "--json").Out, Ok("eval", "--model", P("back.theta"), "--data", test, "--json").Out);
    }

    [Fact]
    public void BadInputIsOneLineAndWritesNothing()
    {
        Ok("export", "--model", Cnn, "--out", P("cnn.onnx"));
        File.WriteAllBytes(P("truncated.onnx"), File.ReadAllBytes(P("cnn.onnx"))[..5000]);
        var r = Cli.Run("import", "--model", P("truncated.onnx"), "--out", P("out.theta"));
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith($"theta: error: {P("truncated.onnx")}: not a readable ONNX model (truncated or another format)", r.Err);
        Assert.Single(r.Err.TrimEnd().Split('\n'));
        Assert.False(File.Exists(P("out.theta")));

        var old = Cli.Run("export", "--model", Cnn, "--out", P("old.onnx"), "--opset", "11");
        Assert.Equal(1, old.ExitCode);
        Assert.Equal("theta: error: --opset 11: this Theta writes ONNX opsets 13–21", old.Err.TrimEnd());
        Assert.False(File.Exists(P("old.onnx")));
    }
}
