using System.Numerics.Tensors;

namespace Theta;

// Elementwise unary ops and activations. y = f(x); g = dL/dy. Saved for backward: x or y, as named.
//
//   op          forward                 dL/dx                 saves
//   neg         -x                      -g                    -
//   exp         e^x                     g * y                 y
//   log         ln x                    g / x                 x
//   sqrt        √x                      g * 0.5 / y           y
//   abs         |x|                     g * sign(x)           x   (sign(0) = 0)
//   pow         x^p (p a constant)      g * p * x^(p-1)       x
//   sigmoid     1 / (1 + e^-x)          g * y * (1 - y)       y
//   tanh        tanh x                  g * (1 - y²)          y
//   relu        max(x, 0)               g * [x > 0]           y   (y > 0 ⇔ x > 0)
//   leaky_relu  x > 0 ? x : a·x         g * (x > 0 ? 1 : a)   x
public sealed partial class Tensor
{
    /// <summary>−x.</summary>
    [Op("neg")]
    public Tensor Neg()
    {
        var y = Map(TensorPrimitives.Negate);
        return Record(y, "neg", g => TensorPrimitives.Subtract(GradSpan(), g.Data, GradSpan()), this);
    }

    /// <summary>eˣ.</summary>
    [Op("exp")]
    public Tensor Exp()
    {
        var y = Map(TensorPrimitives.Exp);
        return Record(y, "exp", g => TensorPrimitives.MultiplyAdd(g.Data, y.Data, GradSpan(), GradSpan()), this);
    }

    /// <summary>Natural logarithm ln x.</summary>
    [Op("log")]
    public Tensor Log()
    {
        var y = Map(TensorPrimitives.Log);
        return Record(y, "log", g => AddQuotient(g, Data, 1f), this);
    }

    /// <summary>√x.</summary>
    [Op("sqrt")]
    public Tensor Sqrt()
    {
        var y = Map(TensorPrimitives.Sqrt);
        return Record(y, "sqrt", g => AddQuotient(g, y.Data, 0.5f), this);
    }

    /// <summary>|x|; the gradient at 0 is taken as 0.</summary>
    [Op("abs")]
    public Tensor Abs()
    {
        var y = Map(TensorPrimitives.Abs);
        return Record(y, "abs", g =>
        {
            var dx = GradSpan();
            var x = Data;
            var gd = g.Data;
            for (int i = 0; i < dx.Length; i++) dx[i] += x[i] > 0 ? gd[i] : x[i] < 0 ? -gd[i] : 0f;
        }, this);
    }

    /// <summary>xᵖ for a constant exponent p.</summary>
    [Op("pow")]
    public Tensor Pow(float p)
    {
        var y = new Tensor(Shape);
        TensorPrimitives.Pow(Data, p, y.Data);
        return Record(y, "pow", g => AddChainRule(g, Data, (x, t) =>
        {
            TensorPrimitives.Pow(x, p - 1f, t);   // dy/dx = p · x^(p−1)
            TensorPrimitives.Multiply(t, p, t);
        }), this);
    }

    /// <summary>The logistic function σ(x) = 1 / (1 + e⁻ˣ); saturates cleanly at ±100.</summary>
    [Op("sigmoid")]
    public Tensor Sigmoid() => MapOfOutput("sigmoid", TensorPrimitives.Sigmoid, static (y, t) =>
    {
        TensorPrimitives.Subtract(1f, y, t);   // dy/dx = y(1 − y)
        TensorPrimitives.Multiply(t, y, t);
    });

    /// <summary>Hyperbolic tangent.</summary>
    [Op("tanh")]
    public Tensor Tanh() => MapOfOutput("tanh", TensorPrimitives.Tanh, static (y, t) =>
    {
        TensorPrimitives.Multiply(y, y, t);   // dy/dx = 1 − y²
        TensorPrimitives.Subtract(1f, t, t);
    });

    /// <summary>Rectified linear unit max(x, 0).</summary>
    [Op("relu")]
    public Tensor Relu()
    {
        var y = Uninitialized(Shape);
        Kernels.ActivationKernels.Relu(Data, y.Data);
        return Record(y, "relu", g =>
        {
            var dx = GradSpanForGemm(out float beta);   // beta 0: fresh memory, overwritten whole
            Kernels.ActivationKernels.ReluBackward(y.Data, g.Data, dx, fresh: beta == 0f);
        }, this);
    }

    /// <summary>Leaky ReLU: x for x &gt; 0, <paramref name="slope"/>·x otherwise.</summary>
    [Op("leaky_relu")]
    public Tensor LeakyRelu(float slope = 0.01f)
    {
        var y = new Tensor(Shape);
        Kernels.ActivationKernels.LeakyRelu(Data, slope, y.Data);
        return Record(y, "leaky_relu", g => Kernels.ActivationKernels.LeakyReluBackward(Data, slope, g.Data, GradSpan()), this);
    }

    private delegate void SpanMap(ReadOnlySpan<float> x, Span<float> y);

    // dL/dx += g ⊙ dy/dx, the local derivative written by local(saved, t) into a scratch t of Size floats.
    // NOTE: local is a static lambda where it can be (sigmoid, tanh), so backward allocates no delegate.
    private void AddChainRule(Tensor g, ReadOnlySpan<float> saved, SpanMap local)
    {
        using var s = Kernels.Scratch.Rent(Size);
        var t = s.Span;
        local(saved, t);
        TensorPrimitives.MultiplyAdd(g.Data, t, GradSpan(), GradSpan());
    }

    // dL/dx += c · g / d (log: d = x, c = 1; sqrt: d = y, c = ½), through a scratch of Size floats.
    private void AddQuotient(Tensor g, ReadOnlySpan<float> d, float c)
    {
        using var s = Kernels.Scratch.Rent(Size);
        var t = s.Span;
        TensorPrimitives.Divide(g.Data, d, t);
        TensorPrimitives.MultiplyAdd(t, c, GradSpan(), GradSpan());
    }

    // y = f(x) for an op whose dy/dx is a function of y alone, written by local(y, t).
    private Tensor MapOfOutput(string op, SpanMap f, SpanMap local)
    {
        var y = Map(f);
        return Record(y, op, g => AddChainRule(g, y.Data, local), this);
    }

    private Tensor Map(SpanMap f)
    {
        var y = Uninitialized(Shape);
        f(Data, y.Data);
        return y;
    }
}
