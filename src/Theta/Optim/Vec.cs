using System.Numerics.Tensors;

namespace Theta.Optim;

/// <summary>The vector pieces the update rules share, over spans of one parameter's length.</summary>
internal static class Vec
{
    /// <summary>Exponential moving average: m ← β·m + (1 − β)·g.</summary>
    public static void Ema(Span<float> m, float beta, ReadOnlySpan<float> g, Span<float> temp)
    {
        TensorPrimitives.Multiply(g, 1f - beta, temp);
        TensorPrimitives.MultiplyAdd(m, beta, temp, m);
    }

    /// <summary>Exponential moving average of squares: s ← ρ·s + (1 − ρ)·g².</summary>
    public static void EmaSquare(Span<float> s, float rho, ReadOnlySpan<float> g, Span<float> temp)
    {
        TensorPrimitives.Multiply(g, g, temp);
        TensorPrimitives.Multiply(temp, 1f - rho, temp);
        TensorPrimitives.MultiplyAdd(s, rho, temp, s);
    }

    /// <summary>θ ← θ − η·g / (√s + ε) (the shared step of Adagrad and RMSProp); uses <paramref name="temp"/>.</summary>
    public static void ScaledStep(Span<float> theta, float lr, ReadOnlySpan<float> g, ReadOnlySpan<float> s, float eps, Span<float> temp)
    {
        TensorPrimitives.Sqrt(s, temp);
        TensorPrimitives.Add(temp, eps, temp);
        TensorPrimitives.Divide(g, temp, temp);
        TensorPrimitives.MultiplyAdd(temp, -lr, theta, theta);
    }
}
