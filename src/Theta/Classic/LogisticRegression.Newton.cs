using System.Numerics.Tensors;
using Theta.Data;

namespace Theta.Classic;

// Newton's method for binary logistic regression (IRLS). With x̃ = [x, 1] and β = [θ, θ₀], the
// objective J(β) = (1/n)·LL(β) − (λ/2)‖θ‖² has
//   gradient  g = (1/n) X̃ᵀ(y − p) − λ[θ; 0]
//   Hessian   H = −(1/n) X̃ᵀ W X̃ − λ·diag(1, …, 1, 0),   W = diag(pᵢ(1 − pᵢ))
// and each step solves (−H)·δ = g, β += δ. X̃ᵀWX̃ = ZᵀZ with Zᵢ = √wᵢ·x̃ᵢ, accumulated by SGEMM
// over chunks of rows (each chunk still in cache from the gradient pass), in a fixed number of
// blocks of rows that run in parallel and are summed in order; the (d+1)×(d+1) system is factored
// by Cholesky in double.
// NOTE: the Hessian costs (d+1)²·n multiply-adds, the gradient only (d+1)·n. Once the steps are
// small (the objective gains < 5 % of itself), W barely changes, so the last factorisation is
// reused ("chord" steps: gradient pass + two triangular solves). Convergence is then linear
// instead of quadratic, but each step is ~d times cheaper; a step that fails to raise J goes back
// to a fresh Hessian.
public sealed partial class LogisticRegression
{
    private const int NewtonChunk = 1024;
    private const int NewtonBlocks = 8; // fixed, so the sums do not depend on the thread count

    // One block of rows' share of a Newton step: Σ ln P(yᵢ|xᵢ), Σ (yᵢ − pᵢ)·xᵢ, Σ (yᵢ − pᵢ), and ZᵀZ/n.
    private sealed class NewtonPart(int d)
    {
        public readonly float[] G = new float[d];
        public readonly float[] H = new float[(d + 1) * (d + 1)];
        public readonly float[] Z = new float[NewtonChunk * (d + 1)];
        public double LogLikelihood, G0;
    }

    private static LogisticRegression FitByNewton(Dataset train, LogisticRegressionOptions o, Action<int, double>? progress)
    {
        int n = train.Rows, d = train.FeatureCount, D = d + 1;
        var beta = new double[D];
        var theta = new float[d];
        int blocks = Math.Min(NewtonBlocks, (n + NewtonChunk - 1) / NewtonChunk);
        var parts = Enumerable.Range(0, blocks).Select(_ => new NewtonPart(d)).ToArray();
        double[]? factor = null;
        double previous = double.NegativeInfinity;
        bool fresh = true;
        for (int step = 1; step <= o.Steps; step++)
        {
            for (int j = 0; j < d; j++) theta[j] = (float)beta[j];
            float theta0 = (float)beta[d];
            bool withHessian = fresh;
            Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = ThetaRuntime.Threads },
                b => NewtonBlock(train, theta, theta0, withHessian, parts[b], b * n / blocks, (b + 1) * n / blocks));
            double ll = 0, g0 = 0;
            var g = new double[d];
            var h = new double[D * D];
            foreach (var part in parts) // in block order: deterministic
            {
                ll += part.LogLikelihood; g0 += part.G0;
                for (int j = 0; j < d; j++) g[j] += part.G[j];
                if (withHessian) for (int k = 0; k < h.Length; k++) h[k] += part.H[k];
            }
            ll /= n;
            double objective = ll - 0.5 * o.L2 * theta.Sum(t => (double)t * t);
            if (!fresh && objective < previous - 1e-7 * Math.Abs(previous)) // beyond float32 rounding of the sum
            {
                fresh = true; // a chord step overshot: take a fresh Hessian here
                step--;
                continue;
            }
            Guard(step, theta, theta0);
            progress?.Invoke(step, ll);

            var grad = new double[D];
            for (int j = 0; j < d; j++) grad[j] = g[j] / n - o.L2 * beta[j];
            grad[d] = g0 / n;
            if (withHessian)
            {
                for (int j = 0; j < d; j++) h[j * D + j] += o.L2;
                factor = Cholesky(h, D);
            }
            var delta = CholeskySolve(factor!, grad, D);
            double biggest = 0;
            for (int j = 0; j < D; j++) { beta[j] += delta[j]; biggest = Math.Max(biggest, Math.Abs(delta[j])); }
            if (biggest < 1e-5 * (1 + beta.Max(Math.Abs))) break; // converged: the step no longer moves β
            fresh = !(objective - previous < 5e-2 * Math.Abs(objective));
            previous = objective;
        }
        return new LogisticRegression(beta[..d].Select(v => (float)v).ToArray(), [(float)beta[d]], train.Classes, train.FeatureNames);
    }

    // Rows [from, to): the gradient pass, and (withHessian) ZᵀZ/n accumulated chunk by chunk while Z is in cache.
    private static void NewtonBlock(Dataset train, float[] theta, float theta0, bool withHessian, NewtonPart part, int from, int to)
    {
        int n = train.Rows, d = theta.Length, D = d + 1;
        var x = train.Features.Data;
        var y = train.Labels;
        var g = part.G;
        var z = part.Z;
        Array.Clear(g);
        double ll = 0, g0 = 0;
        for (int start = from; start < to; start += NewtonChunk)
        {
            int rows = Math.Min(NewtonChunk, to - start);
            for (int k = 0; k < rows; k++)
            {
                int i = start + k;
                var xi = x.Slice(i * d, d);
                float zi = TensorPrimitives.Dot(xi, theta) + theta0;
                float p = Sigmoid(zi), r = y[i] - p;
                ll += LogSigmoid(y[i] == 1 ? zi : -zi);
                TensorPrimitives.MultiplyAdd(xi, r, g, g);       // g += (yᵢ − pᵢ)·xᵢ
                g0 += r;
                if (!withHessian) continue;
                float s = MathF.Sqrt(p * (1 - p));                // Zᵢ = √(pᵢ(1 − pᵢ))·x̃ᵢ
                var zrow = z.AsSpan(k * D, D);
                TensorPrimitives.Multiply(xi, s, zrow[..d]);
                zrow[d] = s;
            }
            if (withHessian) // H += Z_chunkᵀ Z_chunk / n
                Kernels.Gemm.Sgemm(true, false, D, D, rows, 1f / n, z, D, z, D, start == from ? 0f : 1f, part.H, D, threads: 1);
        }
        part.LogLikelihood = ll;
        part.G0 = g0;
    }

    // The Cholesky factor L (A = L·Lᵀ) of a symmetric positive-definite A [D×D], row-major.
    // A tiny ridge is added when A is singular to working precision (a feature that never varies).
    private static double[] Cholesky(double[] a, int D)
    {
        double scale = 0;
        for (int j = 0; j < D; j++) scale = Math.Max(scale, a[j * D + j]);
        for (double ridge = 0; ; ridge = ridge == 0 ? 1e-10 * Math.Max(scale, 1e-30) : ridge * 100)
        {
            var L = new double[D * D];
            bool ok = true;
            for (int i = 0; i < D && ok; i++)
                for (int j = 0; j <= i; j++)
                {
                    double s = a[i * D + j] + (i == j ? ridge : 0);
                    for (int k = 0; k < j; k++) s -= L[i * D + k] * L[j * D + k];
                    if (i == j)
                    {
                        if (!(s > 0)) { ok = false; break; }
                        L[i * D + i] = Math.Sqrt(s);
                    }
                    else L[i * D + j] = s / L[j * D + j];
                }
            if (ok) return L;
            if (ridge > scale) throw new ArithmeticException("LogisticRegression: the Newton system is not positive definite");
        }
    }

    // Solves L·Lᵀ·x = b by forward and back substitution.
    private static double[] CholeskySolve(double[] L, double[] b, int D)
    {
        var yv = new double[D];
        for (int i = 0; i < D; i++)
        {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= L[i * D + k] * yv[k];
            yv[i] = s / L[i * D + i];
        }
        var xv = new double[D];
        for (int i = D - 1; i >= 0; i--)
        {
            double s = yv[i];
            for (int k = i + 1; k < D; k++) s -= L[k * D + i] * xv[k];
            xv[i] = s / L[i * D + i];
        }
        return xv;
    }
}
