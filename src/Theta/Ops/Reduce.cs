using System.Numerics.Tensors;
using Theta.Kernels;

namespace Theta;

// Reductions over axes. y = reduce(x) over the axes listed (all axes when none are given);
// keepDim keeps each reduced axis as size 1. g = dL/dy, read broadcast back to x's shape.
//
//   op    forward                dL/dx                                  saves
//   sum   Σ x                    g (broadcast)                          -
//   mean  Σ x / n                g / n (broadcast)                      -
//   max   max x                  g at the first maximum, 0 elsewhere    argmax
public sealed partial class Tensor
{
    /// <summary>Sum over <paramref name="axes"/> (all when empty).</summary>
    [Op("sum")]
    public Tensor Sum(int[]? axes = null, bool keepDim = false) => SumScaled("sum", axes, keepDim, mean: false);

    /// <summary>Sum over one axis.</summary>
    public Tensor Sum(int axis, bool keepDim = false) => Sum([axis], keepDim);

    /// <summary>Mean over <paramref name="axes"/> (all when empty).</summary>
    [Op("mean")]
    public Tensor Mean(int[]? axes = null, bool keepDim = false) => SumScaled("mean", axes, keepDim, mean: true);

    /// <summary>Mean over one axis.</summary>
    public Tensor Mean(int axis, bool keepDim = false) => Mean([axis], keepDim);

    private Tensor SumScaled(string op, int[]? axes, bool keepDim, bool mean)
    {
        var (keep, outShape) = ReducedShapes(op, axes, keepDim);
        var y = new Tensor(outShape);
        Broadcast.AddReduced(Data, Shape, y.Data, keep);
        float scale = mean ? (float)keep.Size / Size : 1f;
        if (mean) TensorPrimitives.Multiply(y.Data, scale, y.Data);
        return Record(y, op, g =>
        {
            // dx += scale · g, g read with the kept shape and broadcast over the reduced axes
            var dx = GradSpan();
            if (scale == 1f) Broadcast.Binary<AddKernel>(dx, Shape, g.Data, keep, dx, Shape);
            else
            {
                using var s = Kernels.Scratch.Rent(g.Size);
                var gs = s.Span;
                TensorPrimitives.Multiply(g.Data, scale, gs);
                Broadcast.Binary<AddKernel>(dx, Shape, gs, keep, dx, Shape);
            }
        }, this);
    }

    /// <summary>Maximum over <paramref name="axes"/> (all when empty); the gradient goes to the first maximum.</summary>
    [Op("max")]
    public Tensor Max(int[]? axes = null, bool keepDim = false)
    {
        var (keep, outShape) = ReducedShapes("max", axes, keepDim);
        var y = new Tensor(outShape);
        var arg = new int[y.Size];
        var yd = y.Data;
        yd.Fill(float.NegativeInfinity);

        // Walk x in row-major order; each run of the innermost loop dimension either maps to one
        // output (reduced axis: take the run's first maximum) or to a run of outputs (compare each).
        var (dims, st) = Broadcast.Plan(Shape, Broadcast.StridesAs(keep, Shape), Shape.Strides());
        int n = dims[^1], sy = st[0][^1];
        var it = new Odometer(dims, st);
        var x = Data;
        do
        {
            int oy = it.Offset[0], ox = it.Offset[1];
            var run = x.Slice(ox, n);
            if (sy == 0)
            {
                int j = TensorPrimitives.IndexOfMax(run);
                if (run[j] > yd[oy] || arg[oy] == 0 && float.IsNegativeInfinity(yd[oy])) { yd[oy] = run[j]; arg[oy] = ox + j; }
            }
            else
                for (int j = 0; j < n; j++)
                    if (run[j] > yd[oy + j] || arg[oy + j] == 0 && float.IsNegativeInfinity(yd[oy + j])) { yd[oy + j] = run[j]; arg[oy + j] = ox + j; }
        } while (it.MoveNext());

        return Record(y, "max", g =>
        {
            var dx = GradSpan();
            var gd = g.Data;
            for (int k = 0; k < arg.Length; k++) dx[arg[k]] += gd[k];
        }, this);
    }

    /// <summary>Maximum over one axis.</summary>
    public Tensor Max(int axis, bool keepDim = false) => Max([axis], keepDim);

    // The shape with reduced axes kept as 1, and the result's shape (kept or squeezed).
    private (Shape Keep, Shape Out) ReducedShapes(string opName, int[]? axes, bool keepDim)
    {
        string op = char.ToUpperInvariant(opName[0]) + opName[1..];
        var reduced = new bool[Rank];
        if (axes is null || axes.Length == 0) Array.Fill(reduced, true);
        else
            foreach (int a in axes)
            {
                int ax = Shape.NormalizeAxis(a, op);
                if (reduced[ax]) throw new ArgumentException($"{op}: axis {a} is listed twice for shape {Shape}");
                reduced[ax] = true;
            }
        var keep = new int[Rank];
        var squeezed = new List<int>();
        for (int i = 0; i < Rank; i++)
        {
            keep[i] = reduced[i] ? 1 : Shape.Dims[i];
            if (!reduced[i]) squeezed.Add(Shape.Dims[i]);
        }
        var k = new Shape(keep);
        return (k, keepDim ? k : new Shape(squeezed.ToArray()));
    }
}
