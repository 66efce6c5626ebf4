namespace Theta.Tests.Autograd;

/// <summary>
/// Central-difference gradient check. For L = Σ f(inputs) ⊙ G with a random upstream G, the
/// autodiff gradient dL/dx (from f(...).Backward(G)) is compared with
/// (L(x + ε) − L(x − ε)) / (x⁺ − x⁻) for every element of every input. L is accumulated in double,
/// the step is divided by the perturbation actually stored in float32 (x⁺ − x⁻, not 2ε), and the
/// error is relative: |a − n| / max(|a|, |n|, floor).
/// </summary>
public static class OpGradCheck
{
    public sealed record Result(double MaxRelError, string Worst);

    public static Result Run(Func<Tensor[], Tensor> f, Tensor[] inputs, ulong seed, double eps = 1e-2, double floor = 0.05)
    {
        foreach (var t in inputs) t.RequiresGrad = true;
        var y = f(inputs);
        var upstream = Tensor.Normal(new Rng(seed), 0f, 1f, y.Shape.Dims);
        y.Backward(upstream);

        double worst = 0;
        string where = "none";
        for (int i = 0; i < inputs.Length; i++)
        {
            var x = inputs[i].Data;
            var grad = inputs[i].Grad?.Data.ToArray() ?? new float[x.Length];
            for (int j = 0; j < x.Length; j++)
            {
                float v = x[j];
                float hi = v + (float)eps, lo = v - (float)eps;
                x[j] = hi; double lHi = Objective(f, inputs, upstream);
                x[j] = lo; double lLo = Objective(f, inputs, upstream);
                x[j] = v;
                double numeric = (lHi - lLo) / ((double)hi - lo);
                double a = grad[j];
                double rel = Math.Abs(a - numeric) / Math.Max(Math.Max(Math.Abs(a), Math.Abs(numeric)), floor);
                if (rel > worst || double.IsNaN(rel))
                {
                    worst = double.IsNaN(rel) ? double.PositiveInfinity : rel;
                    where = $"input {i} {inputs[i].Shape} element {j}: autodiff {a:G6}, numeric {numeric:G6}";
                }
            }
        }
        return new Result(worst, where);
    }

    private static double Objective(Func<Tensor[], Tensor> f, Tensor[] inputs, Tensor upstream)
    {
        using var _ = Theta.Autograd.NoGrad();
        var y = f(inputs).Data;
        var g = upstream.Data;
        double s = 0;
        for (int k = 0; k < y.Length; k++) s += (double)y[k] * g[k];
        return s;
    }
}
