using System.Numerics.Tensors;
using Theta.Kernels;

namespace Theta;

// Elementwise binary ops with NumPy broadcasting. z = f(a, b); g = dL/dz.
//
//   op    forward     dL/da              dL/db
//   add   a + b       g                  g
//   sub   a - b       g                  -g
//   mul   a * b       g * b              g * a
//   div   a / b       g / b              -g * z / b
//
// Where an input was broadcast, its gradient is summed over the broadcast dimensions
// (Broadcast.AddReduced). Scalars (float operands) are broadcast constants.
public sealed partial class Tensor
{
    /// <summary>a + b, broadcast.</summary>
    [Op("add")]
    public Tensor Add(Tensor other)
    {
        var z = BinaryForward<AddKernel>("Add", this, other);
        return Record(z, "add", g =>
        {
            AddGradReduced(this, g.Data, z.Shape);
            AddGradReduced(other, g.Data, z.Shape);
        }, this, other);
    }

    /// <summary>a − b, broadcast.</summary>
    [Op("sub")]
    public Tensor Sub(Tensor other)
    {
        var z = BinaryForward<SubKernel>("Sub", this, other);
        return Record(z, "sub", g =>
        {
            AddGradReduced(this, g.Data, z.Shape);
            if (other.RequiresGrad)
            {
                using var s = Kernels.Scratch.Rent(g.Size);
                var ng = s.Span;
                TensorPrimitives.Negate(g.Data, ng);
                AddGradReduced(other, ng, z.Shape);
            }
        }, this, other);
    }

    /// <summary>a ⊙ b (elementwise product), broadcast.</summary>
    [Op("mul")]
    public Tensor Mul(Tensor other)
    {
        var z = BinaryForward<MulKernel>("Mul", this, other);
        return Record(z, "mul", g =>
        {
            AddProductGrad(this, g, other);
            AddProductGrad(other, g, this);
        }, this, other);
    }

    /// <summary>a / b (elementwise), broadcast.</summary>
    [Op("div")]
    public Tensor Div(Tensor other)
    {
        var z = BinaryForward<DivKernel>("Div", this, other);
        return Record(z, "div", g =>
        {
            if (RequiresGrad)
            {
                using var s = Kernels.Scratch.Rent(g.Size);
                var t = s.Span;
                Broadcast.Binary<DivKernel>(g.Data, g.Shape, other.Data, other.Shape, t, g.Shape);
                AddGradReduced(this, t, g.Shape);
            }
            if (other.RequiresGrad)
            {
                // dL/db = -g * z / b  (z = a / b, saved as the output)
                using var s = Kernels.Scratch.Rent(g.Size);
                var t = s.Span;
                TensorPrimitives.Multiply(g.Data, z.Data, t);
                Broadcast.Binary<DivKernel>(t, g.Shape, other.Data, other.Shape, t, g.Shape);
                TensorPrimitives.Negate(t, t);
                AddGradReduced(other, t, g.Shape);
            }
        }, this, other);
    }

    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    public static Tensor operator +(Tensor a, float b) => a.Add(Scalar(b));
    public static Tensor operator +(float a, Tensor b) => Scalar(a).Add(b);
    public static Tensor operator -(Tensor a, float b) => a.Sub(Scalar(b));
    public static Tensor operator -(float a, Tensor b) => Scalar(a).Sub(b);
    public static Tensor operator *(Tensor a, float b) => a.Mul(Scalar(b));
    public static Tensor operator *(float a, Tensor b) => Scalar(a).Mul(b);
    public static Tensor operator /(Tensor a, float b) => a.Div(Scalar(b));
    public static Tensor operator /(float a, Tensor b) => Scalar(a).Div(b);
    public static Tensor operator -(Tensor a) => a.Neg();

    private static Tensor BinaryForward<TK>(string op, Tensor a, Tensor b) where TK : IBinaryKernel
    {
        var zs = Broadcast.Shapes(op, a.Shape, b.Shape);
        var z = new Tensor(zs);
        Broadcast.Binary<TK>(a.Data, a.Shape, b.Data, b.Shape, z.Data, zs);
        return z;
    }

    // t.grad += g summed down to t's shape (g has the broadcast shape gs).
    private static void AddGradReduced(Tensor t, ReadOnlySpan<float> g, Shape gs)
    {
        if (t.RequiresGrad) Broadcast.AddReduced(g, gs, t.GradSpan(), t.Shape);
    }

    // t.grad += reduce(g * other): the product rule's share for t.
    private static void AddProductGrad(Tensor t, Tensor g, Tensor other)
    {
        if (!t.RequiresGrad) return;
        if (t.Shape == g.Shape && other.Shape == g.Shape)
        {
            var dt = t.GradSpan();
            TensorPrimitives.MultiplyAdd(g.Data, other.Data, dt, dt);
            return;
        }
        using var s = Kernels.Scratch.Rent(g.Size);
        var prod = s.Span;
        Broadcast.Binary<MulKernel>(g.Data, g.Shape, other.Data, other.Shape, prod, g.Shape);
        Broadcast.AddReduced(prod, g.Shape, t.GradSpan(), t.Shape);
    }
}
