
namespace Theta;

// Softmax and log-softmax along one axis, numerically stable (the row's maximum is subtracted
// before exponentiating, so logits near ±1e4 stay finite). g = dL/dy.
//
//   op           forward                          dL/dx                      saves
//   softmax      y = e^(x−m) / Σ e^(x−m)          y ⊙ (g − Σ g⊙y)            y
//   log_softmax  y = x − m − ln Σ e^(x−m)         g − e^y ⊙ Σ g              y
public sealed partial class Tensor
{
    /// <summary>Softmax along <paramref name="axis"/> (default: the last).</summary>
    [Op("softmax")]
    public Tensor Softmax(int axis = -1) => SoftmaxOp("softmax", axis, log: false);

    /// <summary>Log-softmax along <paramref name="axis"/> (default: the last).</summary>
    [Op("log_softmax")]
    public Tensor LogSoftmax(int axis = -1) => SoftmaxOp("log_softmax", axis, log: true);

    private Tensor SoftmaxOp(string op, int axis, bool log)
    {
        int ax = Shape.NormalizeAxis(axis, log ? "LogSoftmax" : "Softmax");
        int outer = Shape.Product(0, ax), n = Shape.Dims[ax], inner = Shape.Product(ax + 1, Rank);
        var y = new Tensor(Shape);
        float[] sx = new float[inner == 1 ? 0 : n], sy = new float[inner == 1 ? 0 : n];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int b = o * n * inner + i;
                if (inner == 1) { Kernels.SoftmaxKernels.Forward(Data.Slice(b, n), y.Data.Slice(b, n), log); continue; }
                Gather(Data, b, inner, sx);
                Kernels.SoftmaxKernels.Forward(sx, sy, log);
                Scatter(sy, y.Data, b, inner);
            }
        return Record(y, op, g =>
        {
            var dx = GradSpan();
            float[] sg = new float[inner == 1 ? 0 : n], sdx = new float[inner == 1 ? 0 : n];
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++)
                {
                    int b = o * n * inner + i;
                    if (inner == 1) { Kernels.SoftmaxKernels.Backward(y.Data.Slice(b, n), g.Data.Slice(b, n), dx.Slice(b, n), log); continue; }
                    Gather(y.Data, b, inner, sy);
                    Gather(g.Data, b, inner, sg);
                    Gather(dx, b, inner, sdx);
                    Kernels.SoftmaxKernels.Backward(sy, sg, sdx, log);
                    Scatter(sdx, dx, b, inner);
                }
        }, this);
    }

    // Lane j of a strided axis: src[b + j·stride] for j < dst.Length.
    private static void Gather(ReadOnlySpan<float> src, int b, int stride, Span<float> dst)
    {
        for (int j = 0; j < dst.Length; j++) dst[j] = src[b + j * stride];
    }

    private static void Scatter(ReadOnlySpan<float> src, Span<float> dst, int b, int stride)
    {
        for (int j = 0; j < src.Length; j++) dst[b + j * stride] = src[j];
    }
}
