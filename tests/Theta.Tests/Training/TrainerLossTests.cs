using Theta.Nn;
using Theta.Optim;
using Theta.Training;

namespace Theta.Tests.Training;

/// <summary>The losses and penalties a <see cref="Trainer"/> takes: what it minimises is what Evaluate reports, and it changes the fit.</summary>
public sealed class TrainerLossTests
{
    // y = 2x₁ − x₂ on 64 seeded points, with two outlying targets (±40) in rows 0 and 1.
    private static (Tensor X, Targets Y, float[] T) Line()
    {
        int n = 64;
        var x = Tensor.Uniform(new Rng(3), -1f, 1f, n, 2);
        var t = new float[n];
        for (int i = 0; i < n; i++) t[i] = 2 * x[i, 0] - x[i, 1];
        (t[0], t[1]) = (40f, -40f);
        return (x, new Targets(Tensor.FromArray(t, n, 1)), t);
    }

    private static Linear Fit(TrainingLoss loss, Tensor x, Targets y, float l1 = 0)
    {
        var lin = new Linear(2, 1, new Rng(1));
        var options = new TrainerOptions(Epochs: 60, BatchSize: 16, Loss: loss, L1: l1);
        new Trainer(lin, new Adam(lin.Parameters(), new AdamOptions(0.05f)), options).Fit(x, y);
        return lin;
    }

    [Fact]
    public void Huber_is_what_evaluate_reports_and_the_outliers_barely_move_it()
    {
        var (x, y, t) = Line();
        var huber = Fit(TrainingLoss.Huber, x, y);
        var squared = Fit(TrainingLoss.SquaredError, x, y);
        // Evaluate's loss, by hand from the predictions: the mean of ½d² (|d| ≤ 1) or |d| − ½ (beyond), and of d².
        var p = huber.Forward(x).ToArray();
        double byHand = p.Select((v, i) => Math.Abs(v - t[i]) <= 1 ? 0.5 * (v - t[i]) * (v - t[i]) : Math.Abs(v - t[i]) - 0.5).Average();
        var (loss, accuracy) = Trainer.Evaluate(huber, x, y, options: new TrainerOptions(Loss: TrainingLoss.Huber));
        Assert.Equal(byHand, loss, 4);
        Assert.Equal(0, accuracy); // real targets: nothing to count
        var q = squared.Forward(x).ToArray();
        Assert.Equal(q.Select((v, i) => (double)(v - t[i]) * (v - t[i])).Average(), Trainer.Evaluate(squared, x, y, options: new TrainerOptions(Loss: TrainingLoss.SquaredError)).Loss, 3);
        // The robust fit keeps the slope 2 of the 62 clean points; the squared error is pulled away by the two outliers.
        float slopeHuber = huber.Weight[0, 0], slopeSquared = squared.Weight[0, 0];
        Assert.True(Math.Abs(slopeHuber - 2) < 0.2, $"Huber slope {slopeHuber}");
        Assert.True(Math.Abs(slopeSquared - 2) > 2 * Math.Abs(slopeHuber - 2), $"squared-error slope {slopeSquared}, Huber's {slopeHuber}");
    }

    [Fact]
    public void An_L1_penalty_shrinks_the_weights()
    {
        var (x, y, _) = Line();
        var plain = Fit(TrainingLoss.Huber, x, y);
        var sparse = Fit(TrainingLoss.Huber, x, y, l1: 0.5f);
        float Norm(Linear l) => l.Weight.ToArray().Sum(MathF.Abs);
        Assert.True(Norm(sparse) < 0.8f * Norm(plain), $"‖W‖₁ {Norm(plain)} -> {Norm(sparse)} with L1");
    }
}
