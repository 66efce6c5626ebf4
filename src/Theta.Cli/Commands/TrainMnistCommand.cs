using System.Diagnostics;
using Theta.Optim;

namespace Theta.Cli.Commands;

/// <summary>
/// <c>theta train mnist --data DIR --model mlp|sigmoid|cnn|mlp300 [--epochs N] [--json] [--out F]</c>: trains
/// one of <see cref="MnistNetworks"/> on the 60,000 training images and reports the 10,000 test images.
/// Defaults (Adam, cosine-annealed learning rate) are chosen to reach the issue's accuracies.
/// </summary>
internal static class TrainMnistCommand
{
    // Per network: epochs, learning rate (Adam, annealed to 0 by a cosine over the run), batch.
    private static (int Epochs, float Lr, int Batch) Defaults(string net) => net switch
    {
        "cnn" => (8, 2e-3f, 64),
        "sigmoid" => (20, 2e-3f, 64),
        _ => (12, 2e-3f, 64),
    };

    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "The folder with the four MNIST IDX files (theta data mnist --out DIR).", Required = true };
        var model = new Option<string>("--model") { Description = "mlp (784-128-10 ReLU), sigmoid (784-100-10, the lecture's), cnn, or mlp300 (784-300-100-10 ReLU, the digit page's fully connected network).", DefaultValueFactory = _ => "mlp" };
        var epochs = new Option<int?>("--epochs") { Description = "Passes over the training images (default: 12 mlp, 20 sigmoid, 8 cnn)." };
        var batch = new Option<int?>("--batch") { Description = "Mini-batch size (default 64)." };
        var lr = new Option<float?>("--lr") { Description = "Adam's initial learning rate, annealed by a cosine to 0 (default 0.002)." };
        var limit = new Option<int?>("--limit") { Description = "Use only the first N training images (quick runs)." };
        var testLimit = new Option<int?>("--test-limit") { Description = "Use only the first N test images (quick runs)." };
        var seed = new Option<ulong>("--seed") { Description = "Seeds the initial weights, dropout and the shuffles.", DefaultValueFactory = _ => 1UL };
        var output = new Option<string?>("--out") { Description = "Save the trained network here (a model file with the architecture)." };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Write a checkpoint here after every epoch (resume with --resume)." };
        var resume = new Option<string?>("--resume") { Description = "Continue from a checkpoint written by --checkpoint." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the final train and test figures." };
        var plot = new Option<string?>("--plot") { Description = "Draw the training curves (train and test loss and accuracy per epoch) to this .png or .svg file." };
        var confusion = new Option<string?>("--confusion") { Description = "Draw the test set's confusion matrix to this .png or .svg file." };
        var distributed = new DistributedOptions();
        var cmd = new Command("mnist", "Train a network on MNIST (60,000 training, 10,000 test images); under mpirun -np N, data-parallel over N ranks.")
        {
            data, model, epochs, batch, lr, limit, testLimit, seed, output, checkpoint, resume, json, plot, confusion,
        };
        distributed.AddTo(cmd);
        cmd.SetAction(p =>
        {
            var parallel = distributed.Join(p); // null: this process alone
            bool lead = parallel is null || parallel.Rank == 0; // only rank 0 reports and writes files
            string net = p.GetValue(model)!;
            if (!MnistNetworks.Names.Contains(net)) throw new ArgumentException($"--model: '{net}' is not one of {string.Join(", ", MnistNetworks.Names)}");
            var d = Defaults(net);
            int nEpochs = p.GetValue(epochs) ?? d.Epochs, nBatch = p.GetValue(batch) ?? d.Batch;
            float rate = p.GetValue(lr) ?? d.Lr;
            if (!(rate > 0)) throw new ArgumentException($"--lr must be > 0, got {rate}");
            bool asJson = p.GetValue(json);
            var ct = CancellationToken.None;
            foreach (var picture in new[] { p.GetValue(plot), p.GetValue(confusion) }) if (picture is not null) Pictures.IsSvg(picture); // a bad extension fails before training
            OutputPaths.Check(("--out", p.GetValue(output)), ("--checkpoint", p.GetValue(checkpoint)), ("--plot", p.GetValue(plot)), ("--confusion", p.GetValue(confusion)));

            var (train, test) = Mnist.Load(p.GetValue(data)!);
            if (p.GetValue(limit) is int n)
            {
                if (n < 1) throw new ArgumentException($"--limit must be at least 1, got {n}");
                train = train.Take(n);
            }
            if (p.GetValue(testLimit) is int nTest)
            {
                if (nTest < 1) throw new ArgumentException($"--test-limit must be at least 1, got {nTest}");
                test = test.Take(nTest);
            }
            if (nBatch > train.Count) throw new ArgumentException($"--batch {nBatch} is larger than the {train.Count} training images");

            var rng = new Rng(p.GetValue(seed));
            var network = MnistNetworks.Create(net, rng);
            int steps = nEpochs * ((train.Count + nBatch - 1) / nBatch);
            var options = new TrainerOptions(nEpochs, nBatch, p.GetValue(seed),
                Schedule: new CosineAnnealing(rate, steps),
                CheckpointEvery: p.GetValue(checkpoint) is null ? 0 : 1, CheckpointPath: p.GetValue(checkpoint),
                CheckpointMetadata: Metadata(net));
            var trainer = new Trainer(network, new Adam(network.Parameters(), new AdamOptions(rate)), options) { Parallel = parallel };
            if (p.GetValue(resume) is { } from) trainer.ResumeFrom(from);
            parallel?.CheckBatch(nBatch, train.Count);
            DistributedOptions.Ready(parallel?.Group, p.GetValue(data), p.GetValue(resume));

            var sw = Stopwatch.StartNew();
            TrainingHistory history;
            if (asJson || !lead || !AnsiConsole.Profile.Capabilities.Interactive)
                history = trainer.Fit(train.Images, train.Labels, test.Images, test.Labels,
                    asJson || !lead ? null : pr => { if (pr.Batch == pr.Batches) Console.Error.WriteLine(Describe(pr)); }, ct);
            else
            {
                history = null!;
                AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .Start(ctx =>
                    {
                        var task = ctx.AddTask($"mnist {net}", maxValue: steps);
                        history = trainer.Fit(train.Images, train.Labels, test.Images, test.Labels, pr =>
                        {
                            task.Value = (pr.Epoch - 1) * pr.Batches + pr.Batch;
                            task.Description = Describe(pr);
                        }, ct);
                    });
            }
            double seconds = sw.Elapsed.TotalSeconds;
            if (!lead) return 0;
            var (trainLoss, trainAcc) = Trainer.Evaluate(network, train.Images, train.Labels);
            var (testLoss, testAcc) = Trainer.Evaluate(network, test.Images, test.Labels);
            if (p.GetValue(plot) is { } plotPath) Curves(plotPath, $"MNIST {net}", history);
            if (p.GetValue(confusion) is { } confusionPath)
            {
                var m = ClassificationMetrics.Compute(Trainer.Probabilities(network, test.Images), test.Labels, Metadata(net).Classes!);
                Charts.ConfusionMatrix(confusionPath, m.Confusion, Metadata(net).Classes!, $"MNIST {net}: test set ({m.Accuracy:P2} correct)");
            }
            if (p.GetValue(output) is { } path) NetworkFile.Save(network, path, Metadata(net));   // last: a failed picture leaves an old model alone

            if (asJson)
            {
                Console.WriteLine(new JsonObject
                {
                    ["model"] = net,
                    ["train"] = new JsonObject { ["rows"] = train.Count, ["accuracy"] = trainAcc, ["logLikelihood"] = -trainLoss },
                    ["test"] = new JsonObject { ["rows"] = test.Count, ["accuracy"] = testAcc, ["logLikelihood"] = -testLoss },
                    ["epochs"] = history.Epochs.Count,
                    ["seconds"] = seconds,
                    ["ranks"] = parallel?.Size ?? 1,
                    ["allreduceSeconds"] = parallel?.ReduceSeconds ?? 0,
                }.ToJsonString());
                return 0;
            }
            var t = Report.Table($"MNIST {net}, {network.ParameterCount:N0} parameters", [], "epoch", "train loss", "train acc", "test loss", "test acc", "seconds");
            foreach (var e in history.Epochs)
                t.AddRow($"{e.Epoch}", Report.F(e.TrainLoss), Report.F(e.TrainAccuracy), Report.F(e.ValLoss ?? double.NaN), Report.F(e.ValAccuracy ?? double.NaN), $"{e.Seconds:0.0}");
            AnsiConsole.Write(t);
            AnsiConsole.MarkupLine($"test accuracy [bold]{testAcc:P2}[/] after {seconds:0} s" + (p.GetValue(output) is { } saved ? $"; saved to [bold]{Markup.Escape(saved)}[/]" : ""));
            return 0;
        });
        return cmd;
    }

    /// <summary>Train and test loss and accuracy per epoch from the trainer's history.</summary>
    internal static void Curves(string path, string title, TrainingHistory history)
    {
        double[] epochs = [.. history.Epochs.Select(e => (double)e.Epoch)];
        Curve C(string name, Func<EpochRecord, double?> f) => new(name, epochs, [.. history.Epochs.Select(e => f(e) ?? double.NaN)]);
        Charts.TrainingCurves(path, title,
            [C("train", e => e.TrainLoss), C("test", e => e.ValLoss)],
            [C("train", e => e.TrainAccuracy), C("test", e => e.ValAccuracy)]);
    }

    private static NetworkMetadata Metadata(string net) =>
        new([1, 28, 28], Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray(), "mnist",
            new Dictionary<string, string> { ["network"] = net });

    private static string Describe(TrainerProgress p) =>
        $"epoch {p.Epoch}/{p.Epochs} batch {p.Batch}/{p.Batches} loss {p.Loss:0.0000} acc {p.Accuracy:P1} {p.ExamplesPerSecond:N0} ex/s left {p.Remaining:mm\\:ss}";
}
