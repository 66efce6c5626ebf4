using System.Numerics.Tensors;
using Theta.Kernels;

namespace Theta;

/// <summary>
/// NumPy broadcasting: shapes align from the right; each pair of dimensions must be equal or one
/// of them 1. Loops run over the output with per-operand strides (0 on a broadcast dimension),
/// after dropping size-1 dimensions and merging dimensions that are contiguous for every operand,
/// so the innermost run is as long as possible and goes through TensorPrimitives.
/// </summary>
internal static class Broadcast
{
    /// <summary>The broadcast result of <paramref name="a"/> and <paramref name="b"/>, or a ShapeException naming <paramref name="op"/>.</summary>
    public static Shape Shapes(string op, Shape a, Shape b)
    {
        if (a == b) return a;
        int r = Math.Max(a.Rank, b.Rank);
        var d = new int[r];
        for (int i = 0; i < r; i++)
        {
            int da = i - (r - a.Rank) >= 0 ? a.Dims[i - (r - a.Rank)] : 1;
            int db = i - (r - b.Rank) >= 0 ? b.Dims[i - (r - b.Rank)] : 1;
            if (da != db && da != 1 && db != 1)
                throw ShapeException.Mismatch(op, a, b, i, $"dimension {i} of the broadcast result: {da} != {db} and neither is 1");
            d[i] = Math.Max(da, db);
        }
        return new Shape(d);
    }

    /// <summary>Strides of a tensor of shape <paramref name="s"/> read as <paramref name="target"/> (right-aligned, 0 where broadcast).</summary>
    public static int[] StridesAs(Shape s, Shape target)
    {
        var st = new int[target.Rank];
        int off = target.Rank - s.Rank, acc = 1;
        for (int i = s.Rank - 1; i >= 0; i--)
        {
            st[i + off] = s.Dims[i] == 1 ? 0 : acc;
            acc *= s.Dims[i];
        }
        return st;
    }

    /// <summary>
    /// A loop plan over <paramref name="shape"/> for operands with the given strides: size-1
    /// dimensions dropped, contiguous neighbours merged. Always at least one dimension.
    /// </summary>
    public static (int[] Dims, int[][] Strides) Plan(Shape shape, params int[][] strides)
    {
        var dims = new List<int>();
        var st = strides.Select(_ => new List<int>()).ToArray();
        for (int i = 0; i < shape.Rank; i++)
        {
            int n = shape.Dims[i];
            if (n == 1) continue;
            int last = dims.Count - 1;
            bool merge = last >= 0;
            for (int k = 0; k < strides.Length && merge; k++)
                merge = st[k][last] == strides[k][i] * n;
            if (merge)
            {
                dims[last] *= n;
                for (int k = 0; k < strides.Length; k++) st[k][last] = strides[k][i];
            }
            else
            {
                dims.Add(n);
                for (int k = 0; k < strides.Length; k++) st[k].Add(strides[k][i]);
            }
        }
        if (dims.Count == 0)
        {
            dims.Add(1);
            foreach (var s in st) s.Add(0);
        }
        return (dims.ToArray(), st.Select(s => s.ToArray()).ToArray());
    }

    /// <summary>
    /// z = f(x, y) with broadcasting: x has shape <paramref name="xs"/>, y <paramref name="ys"/>,
    /// z the broadcast shape <paramref name="zs"/> (contiguous).
    /// </summary>
    public static void Binary<TK>(ReadOnlySpan<float> x, Shape xs, ReadOnlySpan<float> y, Shape ys, Span<float> z, Shape zs)
        where TK : IBinaryKernel
    {
        if (xs == zs && ys == zs) { TK.Apply(x, y, z); return; }
        if (ys.Size == 1 && xs == zs) { TK.Apply(x, y[0], z); return; }
        if (xs.Size == 1 && ys == zs) { TK.Apply(x[0], y, z); return; }

        var (dims, st) = Plan(zs, StridesAs(xs, zs), StridesAs(ys, zs), zs.Strides());
        int n = dims[^1], sx = st[0][^1], sy = st[1][^1];
        var it = new Odometer(dims, st);
        do
        {
            int ox = it.Offset[0], oy = it.Offset[1], oz = it.Offset[2];
            var zr = z.Slice(oz, n);
            if (sx != 0 && sy != 0) TK.Apply(x.Slice(ox, n), y.Slice(oy, n), zr);
            else if (sx != 0) TK.Apply(x.Slice(ox, n), y[oy], zr);
            else if (sy != 0) TK.Apply(x[ox], y.Slice(oy, n), zr);
            else { TK.Apply(x.Slice(ox, 1), y[oy], zr[..1]); zr.Fill(zr[0]); }
        } while (it.MoveNext());
    }

    /// <summary>
    /// dst += src summed over the dimensions where dst (shape <paramref name="ds"/>) was broadcast
    /// to src (shape <paramref name="ss"/>): the backward of broadcasting, and sum over axes with keepdim.
    /// </summary>
    public static void AddReduced(ReadOnlySpan<float> src, Shape ss, Span<float> dst, Shape ds)
    {
        if (ss.Size == ds.Size) { TensorPrimitives.Add(dst, src, dst); return; }
        if (ds.Size == 1) { dst[0] += TensorPrimitives.Sum(src); return; }
        var (dims, st) = Plan(ss, StridesAs(ds, ss), ss.Strides());
        int n = dims[^1], sd = st[0][^1];
        var it = new Odometer(dims, st);
        do
        {
            int od = it.Offset[0], os = it.Offset[1];
            if (sd != 0) TensorPrimitives.Add(dst.Slice(od, n), src.Slice(os, n), dst.Slice(od, n));
            else dst[od] += TensorPrimitives.Sum(src.Slice(os, n));
        } while (it.MoveNext());
    }
}

/// <summary>
/// Walks every index of the outer dimensions (all but the last) of a loop plan, keeping one
/// running offset per operand. Starts at offset 0; <see cref="MoveNext"/> steps to the next row.
/// </summary>
internal sealed class Odometer(int[] dims, int[][] strides)
{
    private readonly int[] _dims = dims;
    private readonly int[][] _strides = strides;
    private readonly int[] _idx = new int[dims.Length];
    public readonly int[] Offset = new int[strides.Length];

    public bool MoveNext()
    {
        for (int d = _dims.Length - 2; d >= 0; d--)
        {
            if (++_idx[d] < _dims[d])
            {
                for (int k = 0; k < Offset.Length; k++) Offset[k] += _strides[k][d];
                return true;
            }
            _idx[d] = 0;
            for (int k = 0; k < Offset.Length; k++) Offset[k] -= _strides[k][d] * (_dims[d] - 1);
        }
        return false;
    }
}
