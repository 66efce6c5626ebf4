using System.Numerics.Tensors;

namespace Theta;

/// <summary>How a loss turns per-example values into one number.</summary>
public enum Reduction
{
    /// <summary>The mean over elements (the default).</summary>
    Mean,
    /// <summary>The sum over elements.</summary>
    Sum,
}

// Losses: the negative log-likelihoods the course maximises, and squared error. z are logits,
// y targets, n the number of terms averaged (1 for Sum). g = dL/d(loss), a scalar.
//
//   op                         per-term value                          dL/dz
//   bce_with_logits            −[y ln σ(z) + (1−y) ln(1−σ(z))]         g · (σ(z) − y) / n
//                              = max(z,0) − z·y + ln(1 + e^−|z|)
//   cross_entropy (labels c)   −ln softmax(z)_c                        g · (softmax(z) − onehot(c)) / rows
//   squared_error              (p − t)²                                g · 2(p − t) / n   (and −that for t)
//   huber (δ), d = p − t       ½d² if |d| ≤ δ, δ(|d| − ½δ) beyond       g · clamp(d, −δ, δ) / n   (and −that for t)
//
// NOTE: the log-likelihood losses are fused with their sigmoid/softmax. Composing log(sigmoid(z))
// gives −inf and NaN gradients once σ(z) rounds to 0 or 1 (|z| ≳ 17 in float32); the fused forms
// above stay finite for any z, and the gradient (σ − y) is one pass instead of three.
public static class Loss
{
    /// <summary>
    /// Binary cross-entropy from logits: the negative Bernoulli log-likelihood of targets
    /// <paramref name="targets"/> ∈ [0, 1] under P(y=1) = σ(z). Targets get no gradient.
    /// </summary>
    [Op("bce_with_logits")]
    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor targets, Reduction reduction = Reduction.Mean)
    {
        if (logits.Shape != targets.Shape)
            throw ShapeException.Mismatch("BinaryCrossEntropyWithLogits", logits.Shape, targets.Shape, null, "logits and targets must have the same shape");
        var z = logits.Data; var y = targets.Data;
        double sum = 0;
        for (int i = 0; i < z.Length; i++)
            sum += Math.Max(z[i], 0f) - z[i] * y[i] + Math.Log(1 + Math.Exp(-Math.Abs(z[i])));
        float n = reduction == Reduction.Mean ? logits.Size : 1;
        var loss = Tensor.Scalar((float)(sum / n));
        return Tensor.Record(loss, "bce_with_logits", g =>
        {
            var dz = logits.GradSpan();
            using var s = Kernels.Scratch.Rent(logits.Size);
            var t = s.Span;
            TensorPrimitives.Sigmoid(logits.Data, t);
            TensorPrimitives.Subtract(t, targets.Data, t);
            TensorPrimitives.MultiplyAdd(t, g.Item() / n, dz, dz);
        }, logits);
    }

    /// <summary>
    /// Softmax cross-entropy from logits [rows, classes] and integer labels: the negative
    /// multinomial log-likelihood −ln softmax(z)[label], averaged over rows (or summed).
    /// </summary>
    [Op("cross_entropy")]
    public static Tensor CrossEntropy(Tensor logits, ReadOnlySpan<int> labels, Reduction reduction = Reduction.Mean)
    {
        if (logits.Rank != 2)
            throw ShapeException.Invalid("CrossEntropy", logits.Shape, $"logits {logits.Shape} must be 2-d [rows, classes]");
        int rows = logits.Shape[0], C = logits.Shape[1];
        if (labels.Length != rows)
            throw ShapeException.Invalid("CrossEntropy", logits.Shape, $"logits {logits.Shape} have {rows} rows but {labels.Length} labels were given", dimension: 0);
        var lab = labels.ToArray();
        var logp = TensorArena.Floats(logits.Size, clear: false);
        double sum = 0;
        for (int r = 0; r < rows; r++)
        {
            if ((uint)lab[r] >= (uint)C)
                throw new ArgumentOutOfRangeException(nameof(labels), lab[r], $"CrossEntropy: label {lab[r]} at row {r} is not a class index in [0, {C})");
            var lp = logp.AsSpan(r * C, C);
            Kernels.SoftmaxKernels.Forward(logits.Data.Slice(r * C, C), lp, log: true);
            sum -= lp[lab[r]];
        }
        float n = reduction == Reduction.Mean ? rows : 1;
        var loss = Tensor.Scalar((float)(sum / n));
        return Tensor.Record(loss, "cross_entropy", g =>
        {
            // dz += (g/n) · (softmax − onehot); softmax = e^logp
            float s = g.Item() / n;
            var dz = logits.GradSpan();
            using var scratch = Kernels.Scratch.Rent(C);
            var p = scratch.Span;
            for (int r = 0; r < rows; r++)
            {
                TensorPrimitives.Exp(logp.AsSpan(r * C, C), p);
                p[lab[r]] -= 1f;
                var row = dz.Slice(r * C, C);
                TensorPrimitives.MultiplyAdd(p, s, row, row);
            }
        }, logits);
    }

    /// <summary>Squared error (p − t)², averaged over elements (or summed). Both sides may require gradients.</summary>
    [Op("squared_error")]
    public static Tensor SquaredError(Tensor predictions, Tensor targets, Reduction reduction = Reduction.Mean)
    {
        if (predictions.Shape != targets.Shape)
            throw ShapeException.Mismatch("SquaredError", predictions.Shape, targets.Shape, null, "predictions and targets must have the same shape");
        var diff = new float[predictions.Size];
        TensorPrimitives.Subtract(predictions.Data, targets.Data, diff);
        float n = reduction == Reduction.Mean ? diff.Length : 1;
        var loss = Tensor.Scalar((float)(Kernels.Reduce.SumOfSquares(diff) / n));
        return Tensor.Record(loss, "squared_error", g =>
        {
            float s = 2f * g.Item() / n;
            if (predictions.RequiresGrad) TensorPrimitives.MultiplyAdd(diff, s, predictions.GradSpan(), predictions.GradSpan());
            if (targets.RequiresGrad) TensorPrimitives.MultiplyAdd(diff, -s, targets.GradSpan(), targets.GradSpan());
        }, predictions, targets);
    }

    /// <summary>
    /// The Huber loss of d = p − t: ½d² for |d| ≤ δ, δ(|d| − ½δ) beyond, averaged over elements (or summed). Its gradient
    /// is d clipped to [−δ, δ], so one outlying target cannot throw the weights far. Both sides may require gradients.
    /// </summary>
    [Op("huber")]
    public static Tensor Huber(Tensor predictions, Tensor targets, float delta, Reduction reduction = Reduction.Mean)
    {
        if (predictions.Shape != targets.Shape)
            throw ShapeException.Mismatch("Huber", predictions.Shape, targets.Shape, null, "predictions and targets must have the same shape");
        if (!(delta > 0) || !float.IsFinite(delta)) throw new ArgumentOutOfRangeException(nameof(delta), delta, "Huber: δ must be positive and finite");
        var d = new float[predictions.Size];
        TensorPrimitives.Subtract(predictions.Data, targets.Data, d);
        double sum = 0;
        foreach (float v in d)
        {
            float a = MathF.Abs(v);
            sum += a <= delta ? 0.5 * v * v : delta * (a - 0.5 * delta);
        }
        float n = reduction == Reduction.Mean ? d.Length : 1;
        var loss = Tensor.Scalar((float)(sum / n));
        return Tensor.Record(loss, "huber", g =>
        {
            for (int i = 0; i < d.Length; i++) d[i] = Math.Clamp(d[i], -delta, delta); // dL/dp per term
            float s = g.Item() / n;
            if (predictions.RequiresGrad) TensorPrimitives.MultiplyAdd(d, s, predictions.GradSpan(), predictions.GradSpan());
            if (targets.RequiresGrad) TensorPrimitives.MultiplyAdd(d, -s, targets.GradSpan(), targets.GradSpan());
        }, predictions, targets);
    }
}
