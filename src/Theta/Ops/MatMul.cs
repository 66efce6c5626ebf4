using System.Numerics.Tensors;
using Theta.Kernels;

namespace Theta;

// Matrix products through the SGEMM kernel. g = dL/dY.
//
//   op      forward                     dL/dA (or dx)      dL/dB (or dW)      dL/db
//   matmul  Y = A·B  [..,M,K]·[..,K,N]  g·Bᵀ               Aᵀ·g               -
//   linear  Y = x·Wᵀ + b  (W [out,in])  g·W                gᵀ·x               Σ_rows g
//
// Batch dimensions of matmul broadcast (NumPy rules); the backward GEMMs accumulate with
// beta = 1, which also sums the gradient over broadcast batches.
// NOTE: linear is fused (one GEMM with the bias pre-loaded into Y) for speed: it is the op
// every dense layer runs, and the unfused form would make a broadcast add and an extra pass.
public sealed partial class Tensor
{
    /// <summary>Matrix product over the last two axes; leading (batch) axes broadcast. Both operands need rank ≥ 2.</summary>
    [Op("matmul")]
    public Tensor MatMul(Tensor other)
    {
        var a = this; var b = other;
        if (a.Rank < 2 || b.Rank < 2)
            throw ShapeException.Mismatch("MatMul", a.Shape, b.Shape, null, "both operands need at least 2 dimensions", "@");
        int M = a.Shape[-2], K = a.Shape[-1], K2 = b.Shape[-2], N = b.Shape[-1];
        if (K != K2)
            throw ShapeException.Mismatch("MatMul", a.Shape, b.Shape, a.Rank - 1, $"inner dimensions {K} != {K2} (dimension {a.Rank - 1} of the left, {b.Rank - 2} of the right)", "@");

        var batchA = new Shape(a.Shape.Dims[..^2]);
        var batchB = new Shape(b.Shape.Dims[..^2]);
        Shape batch;
        try { batch = Broadcast.Shapes("MatMul", batchA, batchB); }
        catch (ShapeException e) { throw ShapeException.Mismatch("MatMul", a.Shape, b.Shape, e.Dimension, "batch dimensions do not broadcast: " + e.Message, "@"); }

        var y = new Tensor(new Shape([.. batch.Dims, M, N]));
        var (ia, ib) = BatchIndices(batchA, batchB, batch);
        int sa = M * K, sb = K * N, sy = M * N;
        // A 2-d right operand with a batched left one folds the batch into M: one large GEMM.
        bool fold = batchB.Size == 1 && batchA == batch;
        if (fold)
            Gemm.Sgemm(false, false, batch.Size * M, N, K, 1f, a.Data, K, b.Data, N, 0f, y.Data, N);
        else
            for (int t = 0; t < batch.Size; t++)
                Gemm.Sgemm(false, false, M, N, K, 1f, a.Data.Slice(ia[t] * sa, sa), K, b.Data.Slice(ib[t] * sb, sb), N,
                    0f, y.Data.Slice(t * sy, sy), N);

        return Record(y, "matmul", g =>
        {
            if (fold)
            {
                if (a.RequiresGrad) Gemm.Sgemm(false, true, batch.Size * M, K, N, 1f, g.Data, N, b.Data, N, 1f, a.GradSpan(), K);
                if (b.RequiresGrad) Gemm.Sgemm(true, false, K, N, batch.Size * M, 1f, a.Data, K, g.Data, N, 1f, b.GradSpan(), N);
                return;
            }
            for (int t = 0; t < batch.Size; t++)
            {
                var gt = g.Data.Slice(t * sy, sy);
                if (a.RequiresGrad) // dA += g · Bᵀ   [M,N]·[N,K]
                    Gemm.Sgemm(false, true, M, K, N, 1f, gt, N, b.Data.Slice(ib[t] * sb, sb), N, 1f, a.GradSpan().Slice(ia[t] * sa, sa), K);
                if (b.RequiresGrad) // dB += Aᵀ · g   [K,M]·[M,N]
                    Gemm.Sgemm(true, false, K, N, M, 1f, a.Data.Slice(ia[t] * sa, sa), K, gt, N, 1f, b.GradSpan().Slice(ib[t] * sb, sb), N);
            }
        }, a, b);
    }

    // For each batch index of the broadcast batch shape, the matching batch index in a and in b.
    private static (int[] A, int[] B) BatchIndices(Shape batchA, Shape batchB, Shape batch)
    {
        var ia = new int[batch.Size];
        var ib = new int[batch.Size];
        var stA = Broadcast.StridesAs(batchA, batch);
        var stB = Broadcast.StridesAs(batchB, batch);
        var idx = new int[batch.Rank];
        for (int t = 0; t < batch.Size; t++)
        {
            int rem = t, oa = 0, ob = 0;
            for (int d = batch.Rank - 1; d >= 0; d--)
            {
                idx[d] = rem % batch.Dims[d];
                rem /= batch.Dims[d];
                oa += idx[d] * stA[d];
                ob += idx[d] * stB[d];
            }
            ia[t] = oa; ib[t] = ob;
        }
        return (ia, ib);
    }

    /// <summary>
    /// Affine map y = x·Wᵀ + b over the last axis: x [.., in], W [out, in], b [out] (optional).
    /// </summary>
    [Op("linear")]
    public Tensor Linear(Tensor weight, Tensor? bias = null)
    {
        var x = this; var w = weight;
        if (w.Rank != 2)
            throw ShapeException.Mismatch("Linear", x.Shape, w.Shape, null, "the weight must be 2-d [out, in]", "·");
        if (x.Rank < 1 || x.Shape[-1] != w.Shape[1])
            throw ShapeException.Mismatch("Linear", x.Shape, w.Shape, x.Rank - 1, $"input features {(x.Rank < 1 ? 0 : x.Shape[-1])} != weight's in-features {w.Shape[1]} (dimension 1 of the weight)", "·");
        int In = w.Shape[1], Out = w.Shape[0], M = x.Size / In;
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != Out))
            throw ShapeException.Mismatch("Linear", w.Shape, bias.Shape, 0, $"the bias must be [{Out}], one per output", "bias");

        var y = Uninitialized(new Shape([.. x.Shape.Dims[..^1], Out]));
        var yd = y.Data;
        if (bias is not null) for (int r = 0; r < M; r++) bias.Data.CopyTo(yd.Slice(r * Out, Out));
        Gemm.Sgemm(false, true, M, Out, In, 1f, x.Data, In, w.Data, In, bias is null ? 0f : 1f, yd, Out);

        var inputs = bias is null ? new[] { x, w } : new[] { x, w, bias };
        return Record(y, "linear", g =>
        {
            if (x.RequiresGrad) // dx += g·W
            {
                var dx = x.GradSpanForGemm(out float beta);
                Gemm.Sgemm(false, false, M, In, Out, 1f, g.Data, Out, w.Data, In, beta, dx, In);
            }
            if (w.RequiresGrad) // dW += gᵀ·x
            {
                var dw = w.GradSpanForGemm(out float beta);
                Gemm.Sgemm(true, false, Out, In, M, 1f, g.Data, Out, x.Data, In, beta, dw, In);
            }
            if (bias is not null && bias.RequiresGrad)
            {
                var db = bias.GradSpan();
                for (int r = 0; r < M; r++) TensorPrimitives.Add(db, g.Data.Slice(r * Out, Out), db);
            }
        }, inputs);
    }
}
