using System.Numerics.Tensors;

namespace Theta.Optim;

/// <summary>Gradient clipping, applied between <c>Backward()</c> and <c>Step()</c>.</summary>
public static class GradClip
{
    /// <summary>
    /// Clips by global norm: with N = √(Σ_p ‖g_p‖²) over every parameter's gradient, when
    /// N &gt; maxNorm every gradient is scaled by maxNorm / (N + 1e-6), so the direction is kept and
    /// the new norm is at most maxNorm. Parameters without a gradient are skipped. Returns N (before clipping).
    /// </summary>
    public static float ByNorm(IEnumerable<Tensor> parameters, float maxNorm)
    {
        Check.Positive(maxNorm, nameof(GradClip), nameof(maxNorm));
        var grads = parameters.Select(p => p.Grad).OfType<Tensor>().ToList();
        double sumSq = 0;
        foreach (var g in grads)
        {
            double n = TensorPrimitives.Norm<float>(g.Data);
            sumSq += n * n;
        }
        double total = Math.Sqrt(sumSq);
        if (total > maxNorm)
        {
            float scale = (float)(maxNorm / (total + 1e-6));
            foreach (var g in grads) TensorPrimitives.Multiply(g.Data, scale, g.Data);
        }
        return (float)total;
    }
}
