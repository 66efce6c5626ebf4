using System.Numerics.Tensors;
using Theta.Data;

namespace Theta.Classic;

// Newton's method for binary logistic regression (IRLS). With x̃ = [x, 1] and β = [θ, θ₀], the
// objective J(β) = (1/n)·LL(β) − (λ/2)‖θ‖² has
//   gradient  g = (1/n) X̃ᵀ(y − p) − λ[θ; 0]
//   Hessian   H = −(1/n) X̃ᵀ W X̃ − λ·diag(1, …, 1, 0),   W = diag(pᵢ(1 − pᵢ))
// and each step solves (−H)·δ = g, β += δ. X̃ᵀWX̃ = ZᵀZ with Zᵢ = √wᵢ·x̃ᵢ is one SGEMM; the
// (d+1)×(d+1) system is solved by Cholesky in double. Converges in a handful of steps.
public sealed partial class LogisticRegression
{
    private static LogisticRegression FitByNewton(Dataset train, LogisticRegressionOptions o, Action<int, double>? progress)
    {
        int n = train.Rows, d = train.FeatureCount, D = d + 1;
        var x = train.Features.Data;
        var y = train.Labels;
        var beta = new double[D];
        var theta = new float[d];
        var z = new float[(long)n * D];          // Z = √W·X̃, rebuilt each step
        var r = new float[n];                    // yᵢ − pᵢ
        var g = new float[d];
        var h = new float[D * D];
        for (int step = 1; step <= o.Steps; step++)
        {
            for (int j = 0; j < d; j++) theta[j] = (float)beta[j];
            float theta0 = (float)beta[d];
            double ll = 0;
            for (int i = 0; i < n; i++)
            {
                var xi = x.Slice(i * d, d);
                float zi = TensorPrimitives.Dot(xi, theta) + theta0;
                float p = Sigmoid(zi);
                r[i] = y[i] - p;
                ll += LogSigmoid(y[i] == 1 ? zi : -zi);
                float s = MathF.Sqrt(p * (1 - p));
                var zrow = z.AsSpan(i * D, D);
                TensorPrimitives.Multiply(xi, s, zrow[..d]);
                zrow[d] = s;
            }
            // g = (1/n) X̃ᵀ r − λ[θ; 0]
            var grad = new double[D];
            g.AsSpan().Clear();
            for (int i = 0; i < n; i++) TensorPrimitives.MultiplyAdd(x.Slice(i * d, d), r[i], g, g);
            for (int j = 0; j < d; j++) grad[j] = g[j] / n - o.L2 * beta[j];
            grad[d] = TensorPrimitives.Sum(r) / (double)n;

            // −H = (1/n) ZᵀZ + λ·diag(1, …, 1, 0)
            Kernels.Gemm.Sgemm(true, false, D, D, n, 1f / n, z, D, z, D, 0f, h, D);
            var a = new double[D * D];
            for (int k = 0; k < a.Length; k++) a[k] = h[k];
            for (int j = 0; j < d; j++) a[j * D + j] += o.L2;
            var delta = CholeskySolve(a, grad, D);
            double biggest = 0;
            for (int j = 0; j < D; j++) { beta[j] += delta[j]; biggest = Math.Max(biggest, Math.Abs(delta[j])); }
            Guard(step, theta, theta0);
            progress?.Invoke(step, ll / n);
            if (biggest < 1e-6 * (1 + beta.Max(Math.Abs))) break;
        }
        return new LogisticRegression(beta[..d].Select(v => (float)v).ToArray(), [(float)beta[d]], train.Classes, train.FeatureNames);
    }

    // Solves A·x = b for symmetric positive-definite A [D×D] (row-major), by Cholesky A = L·Lᵀ.
    // A tiny ridge is added when A is singular to working precision (a feature that never varies).
    private static double[] CholeskySolve(double[] a, double[] b, int D)
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
            if (!ok)
            {
                if (ridge > scale) throw new ArithmeticException("LogisticRegression: the Newton system is not positive definite");
                continue;
            }
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
}
