using System.Numerics.Tensors;

namespace Theta.Kernels;

/// <summary>An elementwise binary function over spans, in the three broadcast forms (span∘span, span∘scalar, scalar∘span).</summary>
internal interface IBinaryKernel
{
    static abstract void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z);
    static abstract void Apply(ReadOnlySpan<float> x, float y, Span<float> z);
    static abstract void Apply(float x, ReadOnlySpan<float> y, Span<float> z);
}

internal readonly struct AddKernel : IBinaryKernel
{
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z) => TensorPrimitives.Add(x, y, z);
    public static void Apply(ReadOnlySpan<float> x, float y, Span<float> z) => TensorPrimitives.Add(x, y, z);
    public static void Apply(float x, ReadOnlySpan<float> y, Span<float> z) => TensorPrimitives.Add(y, x, z);
}

internal readonly struct SubKernel : IBinaryKernel
{
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z) => TensorPrimitives.Subtract(x, y, z);
    public static void Apply(ReadOnlySpan<float> x, float y, Span<float> z) => TensorPrimitives.Subtract(x, y, z);
    public static void Apply(float x, ReadOnlySpan<float> y, Span<float> z) => TensorPrimitives.Subtract(x, y, z);
}

internal readonly struct MulKernel : IBinaryKernel
{
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z) => TensorPrimitives.Multiply(x, y, z);
    public static void Apply(ReadOnlySpan<float> x, float y, Span<float> z) => TensorPrimitives.Multiply(x, y, z);
    public static void Apply(float x, ReadOnlySpan<float> y, Span<float> z) => TensorPrimitives.Multiply(y, x, z);
}

internal readonly struct DivKernel : IBinaryKernel
{
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z) => TensorPrimitives.Divide(x, y, z);
    public static void Apply(ReadOnlySpan<float> x, float y, Span<float> z) => TensorPrimitives.Divide(x, y, z);
    public static void Apply(float x, ReadOnlySpan<float> y, Span<float> z) => TensorPrimitives.Divide(x, y, z);
}
