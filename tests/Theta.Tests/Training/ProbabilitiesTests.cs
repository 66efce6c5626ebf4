using Theta.Metrics;
using Theta.Nn;
using Theta.Training;

namespace Theta.Tests.Training;

public sealed class ProbabilitiesTests
{
    [Fact]
    public void ProbabilitiesAgreeWithEvaluateAndDoNotDependOnTheChunkSize()
    {
        var rng = new Rng(3);
        var model = new Sequential(new Linear(5, 8, rng), new Tanh(), new Dropout(0.5f, rng), new Linear(8, 4, rng));
        var x = Tensor.Uniform(rng, -1f, 1f, 23, 5);
        var y = Enumerable.Range(0, 23).Select(i => i % 4).ToArray();
        model.Train();
        var p = Trainer.Probabilities(model, x, batch: 7);
        Assert.True(model.Training);                                   // the mode is restored
        Assert.Equal(new Shape(23, 4), p.Shape);
        Assert.Equal(p.ToArray(), Trainer.Probabilities(model, x, batch: 1000).ToArray()); // eval mode: dropout off
        int correct = 0;
        for (int r = 0; r < 23; r++)
        {
            var row = p.Data.Slice(r * 4, 4);
            Assert.Equal(1.0, row.ToArray().Sum(), 5);
            if (ClassificationMetrics.ArgMax(row) == y[r]) correct++;
        }
        Assert.Equal(Trainer.Evaluate(model, x, y).Accuracy, correct / 23.0, 12);
    }
}
