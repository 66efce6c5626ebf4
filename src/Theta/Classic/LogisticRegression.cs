using System.Numerics.Tensors;
using Theta.Data;
using Theta.Training;

namespace Theta.Classic;

/// <summary>
/// How to fit logistic regression. Defaults are the course's: θ = 0, full-batch gradient ascent
/// on the mean log-likelihood with step size η = 0.5 for 5000 steps.
/// </summary>
/// <param name="StepSize">η, the gradient-ascent step size (learning rate of an optimizer).</param>
/// <param name="Steps">Full-batch steps, or epochs when <paramref name="BatchSize"/> &gt; 0.</param>
/// <param name="BatchSize">0 = full batch (the course's algorithm); otherwise shuffled mini-batches of this size.</param>
/// <param name="L2">λ of the penalty (λ/2)·‖θ‖² subtracted from the mean log-likelihood (θ₀ is not penalised).</param>
/// <param name="Seed">Seeds the mini-batch shuffle.</param>
/// <param name="Solver">GradientAscent (the course's, default) or Newton (few exact second-order steps; StepSize is unused).</param>
/// <param name="Optimizer">For gradient ascent: plain steps (Sgd, default) or an engine optimizer with StepSize as its learning rate.</param>
public sealed record LogisticRegressionOptions(float StepSize = 0.5f, int Steps = 5000, int BatchSize = 0, float L2 = 0f, ulong Seed = 0,
    LogisticSolver Solver = LogisticSolver.GradientAscent, Optim.OptimizerKind Optimizer = Optim.OptimizerKind.Sgd)
{
    public float StepSize { get; init; } = StepSize > 0 && float.IsFinite(StepSize) ? StepSize
        : throw new ArgumentOutOfRangeException(nameof(StepSize), StepSize, "LogisticRegression: the step size must be > 0");
    public int Steps { get; init; } = Steps >= 1 ? Steps
        : throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "LogisticRegression: steps must be at least 1");
    public int BatchSize { get; init; } = BatchSize >= 0 ? BatchSize
        : throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "LogisticRegression: the batch size must be ≥ 0 (0 = full batch)");
    public float L2 { get; init; } = L2 >= 0 ? L2
        : throw new ArgumentOutOfRangeException(nameof(L2), L2, "LogisticRegression: L2 must be ≥ 0");
}

/// <summary>How logistic regression is fitted.</summary>
public enum LogisticSolver
{
    /// <summary>θ += η·∇ of the mean log-likelihood, full batch or mini-batches (the course's algorithm).</summary>
    GradientAscent,
    /// <summary>Newton's method (iteratively reweighted least squares): θ −= H⁻¹∇, converging in a handful of steps. Two classes only.</summary>
    Newton,
}

/// <summary>
/// Logistic regression, exactly as taught: P(y = 1 | x) = σ(θ·x + θ₀), fitted by maximising the
/// Bernoulli log-likelihood LL(θ) = Σ y ln σ(θ·x) + (1 − y) ln(1 − σ(θ·x)) by gradient ascent,
/// ∂LL/∂θⱼ = Σᵢ (yᵢ − σ(θ·xᵢ)) xᵢⱼ. With more than two classes it is multinomial (softmax)
/// regression: P(y = k | x) = softmax(W x + b)ₖ, fitted through the engine's autodiff.
/// </summary>
public sealed partial class LogisticRegression : IClassifier
{
    /// <summary>A fitted model: weights [K, d] and bias [K], K = 1 for two classes (θ, θ₀), else one row per class.</summary>
    public LogisticRegression(float[] weights, float[] bias, IReadOnlyList<string> classes, IReadOnlyList<string> featureNames)
    {
        int K = classes.Count == 2 ? 1 : classes.Count;
        if (bias.Length != K || weights.Length != K * featureNames.Count)
            throw new ArgumentException($"LogisticRegression: {classes.Count} classes and {featureNames.Count} features need weights [{K}, {featureNames.Count}] and bias [{K}]; got {weights.Length} and {bias.Length} values");
        Weights = weights; Bias = bias; Classes = classes; FeatureNames = featureNames;
    }

    public string Kind => Classes.Count == 2 ? "logistic" : "softmax";
    public IReadOnlyList<string> Classes { get; }
    public IReadOnlyList<string> FeatureNames { get; }
    /// <summary>θ (two classes: [1, d]) or W ([classes, d]), row-major.</summary>
    public float[] Weights { get; }
    /// <summary>θ₀ (two classes) or b [classes].</summary>
    public float[] Bias { get; }

    /// <summary>Fits the model; <paramref name="progress"/> receives (step, mean log-likelihood of the training data) now and then.</summary>
    public static LogisticRegression Fit(Dataset train, LogisticRegressionOptions? options = null, Action<int, double>? progress = null)
    {
        var o = options ?? new LogisticRegressionOptions();
        if (train.ClassCount < 2) throw new ArgumentException($"LogisticRegression: {train.Source} has one class ({train.Classes[0]}); two or more are needed");
        if (o.Solver == LogisticSolver.Newton)
        {
            if (train.ClassCount != 2) throw new ArgumentException($"LogisticRegression: Newton's method is for two classes; {train.Source} has {train.ClassCount} (use gradient ascent)");
            return FitByNewton(train, o, progress);
        }
        if (train.ClassCount == 2 && o.BatchSize == 0 && o.Optimizer == Optim.OptimizerKind.Sgd)
            return FitByGradientAscent(train, o, progress);
        return FitWithEngine(train, o, progress);
    }

    /// <summary>
    /// The closed-form gradient of the mean log-likelihood (1/n)·LL at (θ, θ₀):
    /// gθ = (1/n) Σᵢ (yᵢ − σ(θ·xᵢ + θ₀)) xᵢ,  gθ₀ = (1/n) Σᵢ (yᵢ − σ(θ·xᵢ + θ₀)). Returns the mean log-likelihood.
    /// </summary>
    public static double Gradient(ReadOnlySpan<float> x, ReadOnlySpan<int> y, int d, ReadOnlySpan<float> theta, float theta0,
        Span<float> gTheta, out float gTheta0)
    {
        int n = y.Length;
        gTheta.Clear();
        double g0 = 0, ll = 0;
        for (int i = 0; i < n; i++)
        {
            var xi = x.Slice(i * d, d);
            float z = TensorPrimitives.Dot(xi, theta) + theta0;
            float r = y[i] - Sigmoid(z);                            // yᵢ − σ(zᵢ)
            TensorPrimitives.MultiplyAdd(xi, r, gTheta, gTheta);    // gθ += r·xᵢ
            g0 += r;
            ll += LogSigmoid(y[i] == 1 ? z : -z);                  // ln σ(z) if y = 1, ln(1 − σ(z)) = ln σ(−z) if y = 0
        }
        TensorPrimitives.Multiply(gTheta, 1f / n, gTheta);
        gTheta0 = (float)(g0 / n);
        return ll / n;
    }

    // The course's algorithm: θ = 0, then θ += η·∇(mean LL) for every step, on the whole training set.
    private static LogisticRegression FitByGradientAscent(Dataset train, LogisticRegressionOptions o, Action<int, double>? progress)
    {
        int d = train.FeatureCount;
        var theta = new float[d];
        float theta0 = 0;
        var g = new float[d];
        int every = Math.Max(1, o.Steps / 100);
        var x = train.Features.Data;
        for (int step = 1; step <= o.Steps; step++)
        {
            double ll = Gradient(x, train.Labels, d, theta, theta0, g, out float g0);
            if (o.L2 > 0) TensorPrimitives.MultiplyAdd(theta, -o.L2, g, g);   // ∇ of −(λ/2)‖θ‖²
            TensorPrimitives.MultiplyAdd(g, o.StepSize, theta, theta);        // θ += η·g  (ascent)
            theta0 += o.StepSize * g0;
            Guard(step, theta, theta0);
            if (progress is not null && (step % every == 0 || step == 1)) progress(step, ll);
        }
        return new LogisticRegression(theta, [theta0], train.Classes, train.FeatureNames);
    }

    // Mini-batches, engine optimizers and softmax regression: the same model as a Linear layer (θ = 0 to start) trained by the
    // Trainer on the negative mean log-likelihood (+ the L2 penalty on the weights, not the bias); each "step" is an epoch.
    private static LogisticRegression FitWithEngine(Dataset train, LogisticRegressionOptions o, Action<int, double>? progress)
    {
        int d = train.FeatureCount, C = train.ClassCount, K = C == 2 ? 1 : C, n = train.Rows;
        var model = new Nn.Linear(d, K, new Rng(0));
        Nn.Init.Constant(model.Weight, 0);
        Nn.Init.Constant(model.Bias!, 0);
        int batch = o.BatchSize == 0 ? n : Math.Min(o.BatchSize, n);
        var options = new TrainerOptions(o.Steps, batch, Loss: K == 1 ? TrainingLoss.Bernoulli : TrainingLoss.CrossEntropy, L2: o.L2);
        var trainer = new Trainer(model, Optim.Optimizers.Create(o.Optimizer, model.Parameters(), o.StepSize), options);
        var rng = new Rng(o.Seed);
        var order = Enumerable.Range(0, n).ToArray();
        int every = Math.Max(1, o.Steps / 100);
        for (int step = 1; step <= o.Steps; step++)
        {
            if (batch < n) rng.Shuffle<int>(order);
            var (loss, _) = trainer.TrainEpoch(train.Features, train.Labels, order); // descent on −LL = ascent on LL
            Guard(step, model.Weight.Data, model.Bias!.Data[0]);
            if (progress is not null && (step % every == 0 || step == 1)) progress(step, -loss);
        }
        return new LogisticRegression(model.Weight.ToArray(), model.Bias!.ToArray(), train.Classes, train.FeatureNames);
    }

    internal static void Guard(int step, ReadOnlySpan<float> w, float b)
    {
        if (!float.IsFinite(b) || !TensorPrimitives.IsFiniteAll(w))
            throw new ArithmeticException($"LogisticRegression: the parameters became NaN or infinite at step {step}; lower the step size");
    }

    public Tensor PredictProba(Tensor x)
    {
        Classifier.CheckFeatures(this, x);
        int n = x.Shape[0], d = FeatureNames.Count, C = Classes.Count;
        var p = new float[n * C];
        var data = x.Data;
        for (int r = 0; r < n; r++)
        {
            var xr = data.Slice(r * d, d);
            if (C == 2)
            {
                float p1 = Sigmoid(TensorPrimitives.Dot(xr, Weights) + Bias[0]);
                p[r * 2] = 1 - p1; p[r * 2 + 1] = p1;
            }
            else
            {
                var row = p.AsSpan(r * C, C);
                for (int k = 0; k < C; k++) row[k] = TensorPrimitives.Dot(xr, Weights.AsSpan(k * d, d)) + Bias[k];
                Kernels.SoftmaxKernels.Forward(row.ToArray(), row, log: false);
            }
        }
        return Tensor.FromArray(p, n, C);
    }

    internal static float Sigmoid(float z) => 1f / (1f + MathF.Exp(-z));

    // ln σ(z), stable for large |z|: −ln(1 + e^−z) = min(z, 0) − ln(1 + e^−|z|).
    internal static double LogSigmoid(float z) => Math.Min(z, 0) - Math.Log(1 + Math.Exp(-Math.Abs(z)));
}
