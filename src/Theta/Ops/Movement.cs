using System.Numerics.Tensors;

namespace Theta;

// Ops that move elements without arithmetic. g = dL/dy.
//
//   op           forward                           dL/dx
//   reshape      same elements, new shape (a view) g read with x's shape
//   permute      y[i_p0, i_p1, ..] = x[i_0, ..]    g permuted back by the inverse permutation
//   concat       pieces side by side along an axis each piece's slice of g
//   narrow       x's elements [s, s + n) of an axis   g added into that slice of dx
//   select_rows  y[r] = x[idx[r]] along axis 0     dx[idx[r]] += g[r] (repeats add up)
//
// transpose and flatten are permute and reshape.
public sealed partial class Tensor
{
    /// <summary>The same elements with a new shape (one dimension may be −1: inferred). Shares storage with this tensor.</summary>
    [Op("reshape")]
    public Tensor Reshape(params int[] shape)
    {
        var dims = (int[])shape.Clone();
        int infer = -1, known = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException($"Reshape: {Shape} -> [{string.Join(", ", shape)}]: only one dimension can be -1");
                infer = i;
            }
            else if (dims[i] < 1) throw new ArgumentException($"Reshape: {Shape} -> [{string.Join(", ", shape)}]: dimension {i} is {dims[i]}; dimensions must be at least 1 (or -1 to infer)");
            else known *= dims[i];
        }
        if (infer >= 0)
        {
            if (Size % known != 0)
                throw ShapeException.Invalid("Reshape", Shape, $"{Shape} -> [{string.Join(", ", shape)}]: {Size} elements do not divide into {known}");
            dims[infer] = Size / known;
        }
        var s = new Shape(dims);
        if (s.Size != Size)
            throw ShapeException.Mismatch("Reshape", Shape, s, null, $"element counts {Size} != {s.Size}", "->");
        var y = new Tensor(s, Buffer, Start);
        return Record(y, "reshape", g => AccumulateGrad(g.Data), this);
    }

    /// <summary>Merges axes <paramref name="startDim"/>..<paramref name="endDim"/> into one (default: all but the batch axis).</summary>
    public Tensor Flatten(int startDim = 1, int endDim = -1)
    {
        int s = Shape.NormalizeAxis(startDim, "Flatten"), e = Shape.NormalizeAxis(endDim, "Flatten");
        if (s > e) throw new ArgumentException($"Flatten: startDim {startDim} comes after endDim {endDim} for shape {Shape}");
        var d = Shape.Dims;
        return Reshape([.. d[..s], Shape.Product(s, e + 1), .. d[(e + 1)..]]);
    }

    /// <summary>Reorders the axes: result axis i is this tensor's axis <paramref name="perm"/>[i].</summary>
    [Op("permute")]
    public Tensor Permute(params int[] perm)
    {
        if (perm.Length != Rank)
            throw new ArgumentException($"Permute: {perm.Length} axes given for a tensor of shape {Shape} (rank {Rank})");
        var p = new int[Rank];
        var seen = new bool[Rank];
        for (int i = 0; i < Rank; i++)
        {
            p[i] = Shape.NormalizeAxis(perm[i], "Permute");
            if (seen[p[i]]) throw new ArgumentException($"Permute: axis {perm[i]} appears twice in [{string.Join(", ", perm)}]");
            seen[p[i]] = true;
        }
        var y = new Tensor(new Shape(p.Select(a => Shape.Dims[a]).ToArray()));
        PermuteCopy(Data, Shape, p, y.Data, accumulate: false);
        var inverse = new int[Rank];
        for (int i = 0; i < Rank; i++) inverse[p[i]] = i;
        return Record(y, "permute", g => PermuteCopy(g.Data, y.Shape, inverse, GradSpan(), accumulate: true), this);
    }

    /// <summary>Swaps two axes (for a matrix: the transpose).</summary>
    public Tensor Transpose(int dim0 = -2, int dim1 = -1)
    {
        int a = Shape.NormalizeAxis(dim0, "Transpose"), b = Shape.NormalizeAxis(dim1, "Transpose");
        var p = Enumerable.Range(0, Rank).ToArray();
        (p[a], p[b]) = (p[b], p[a]);
        return Permute(p);
    }

    // y (contiguous, axes permuted by p) = or += x read through permuted strides.
    private static void PermuteCopy(ReadOnlySpan<float> x, Shape xs, int[] p, Span<float> y, bool accumulate)
    {
        var xst = xs.Strides();
        var ys = new Shape(p.Select(a => xs.Dims[a]).ToArray());
        var (dims, st) = Broadcast.Plan(ys, p.Select(a => xst[a]).ToArray(), ys.Strides());
        int n = dims[^1], sx = st[0][^1];
        var it = new Odometer(dims, st);
        do
        {
            int ox = it.Offset[0], oy = it.Offset[1];
            if (sx == 1)
            {
                if (accumulate) TensorPrimitives.Add(y.Slice(oy, n), x.Slice(ox, n), y.Slice(oy, n));
                else x.Slice(ox, n).CopyTo(y.Slice(oy, n));
            }
            else if (accumulate) for (int j = 0; j < n; j++) y[oy + j] += x[ox + j * sx];
            else for (int j = 0; j < n; j++) y[oy + j] = x[ox + j * sx];
        } while (it.MoveNext());
    }

    /// <summary>Joins tensors along <paramref name="axis"/>; all other dimensions must match.</summary>
    [Op("concat")]
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int axis = 0)
    {
        if (tensors.Count == 0) throw new ArgumentException("Concat: no tensors given");
        var first = tensors[0];
        int ax = first.Shape.NormalizeAxis(axis, "Concat");
        int total = 0;
        foreach (var t in tensors)
        {
            if (t.Rank != first.Rank)
                throw ShapeException.Mismatch("Concat", first.Shape, t.Shape, null, $"ranks {first.Rank} != {t.Rank}");
            for (int d = 0; d < first.Rank; d++)
                if (d != ax && t.Shape.Dims[d] != first.Shape.Dims[d])
                    throw ShapeException.Mismatch("Concat", first.Shape, t.Shape, d, $"dimension {d} differs ({first.Shape.Dims[d]} != {t.Shape.Dims[d]}); only axis {ax} may");
            total += t.Shape.Dims[ax];
        }
        var y = new Tensor(first.Shape.With(ax, total));
        int outer = first.Shape.Product(0, ax), inner = first.Shape.Product(ax + 1, first.Rank);
        int rowY = total * inner;
        // Each piece contributes a contiguous chunk of dim·inner elements to every outer row.
        int at = 0;
        foreach (var t in tensors)
        {
            int chunk = t.Shape.Dims[ax] * inner;
            for (int o = 0; o < outer; o++) t.Data.Slice(o * chunk, chunk).CopyTo(y.Data.Slice(o * rowY + at, chunk));
            at += chunk;
        }
        var pieces = tensors.ToArray();
        return Record(y, "concat", g =>
        {
            int at2 = 0;
            foreach (var t in pieces)
            {
                int chunk = t.Shape.Dims[ax] * inner;
                if (t.RequiresGrad)
                {
                    var dt = t.GradSpan();
                    for (int o = 0; o < outer; o++)
                        TensorPrimitives.Add(dt.Slice(o * chunk, chunk), g.Data.Slice(o * rowY + at2, chunk), dt.Slice(o * chunk, chunk));
                }
                at2 += chunk;
            }
        }, pieces);
    }

    /// <summary>
    /// Elements [<paramref name="start"/>, start + <paramref name="length"/>) of <paramref name="axis"/>, all others whole (a copy):
    /// PyTorch's <c>narrow</c>, the inverse of <see cref="Concat"/>; e.g. the value column of a dueling head's [B, 1 + A] output.
    /// </summary>
    [Op("narrow")]
    public Tensor Narrow(int axis, int start, int length)
    {
        int ax = Shape.NormalizeAxis(axis, "Narrow");
        int dim = Shape.Dims[ax];
        if (start < 0 || length < 1 || start > dim - length)
            throw ShapeException.Invalid("Narrow", Shape, $"elements [{start}, {start + length}) of axis {ax} do not lie within shape {Shape} (dimension {ax} is {dim})", ax);
        var y = Uninitialized(Shape.With(ax, length));
        int outer = Shape.Product(0, ax), inner = Shape.Product(ax + 1, Rank);
        int rowX = dim * inner, chunk = length * inner, at = start * inner;
        for (int o = 0; o < outer; o++) Data.Slice(o * rowX + at, chunk).CopyTo(y.Data.Slice(o * chunk, chunk));
        return Record(y, "narrow", g =>
        {
            var dx = GradSpan();
            for (int o = 0; o < outer; o++)
            {
                var d = dx.Slice(o * rowX + at, chunk);
                TensorPrimitives.Add(d, g.Data.Slice(o * chunk, chunk), d);
            }
        }, this);
    }

    /// <summary>The rows (entries of axis 0) at <paramref name="indices"/>, in that order: a mini-batch.</summary>
    [Op("select_rows")]
    public Tensor SelectRows(ReadOnlySpan<int> indices)
    {
        if (Rank < 1) throw new ArgumentException($"SelectRows: a scalar has no rows");
        if (indices.Length == 0) throw new ArgumentException($"SelectRows: no indices given for shape {Shape}");
        int rows = Shape[0], row = Size / rows;
        var idx = indices.ToArray();
        var y = new Tensor(Shape.With(0, idx.Length));
        for (int r = 0; r < idx.Length; r++)
        {
            if ((uint)idx[r] >= (uint)rows)
                throw new IndexOutOfRangeException($"SelectRows: index {idx[r]} (position {r}) is out of range for {rows} rows of shape {Shape}");
            Data.Slice(idx[r] * row, row).CopyTo(y.Data.Slice(r * row, row));
        }
        return Record(y, "select_rows", g =>
        {
            var dx = GradSpan();
            for (int r = 0; r < idx.Length; r++)
                TensorPrimitives.Add(dx.Slice(idx[r] * row, row), g.Data.Slice(r * row, row), dx.Slice(idx[r] * row, row));
        }, this);
    }
}
