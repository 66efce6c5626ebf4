using Theta.Kernels;
using static Theta.Tests.Kernels.KernelTestData;

namespace Theta.Tests.Kernels;

/// <summary>The im2col + GEMM convolution against the naive direct loops of <see cref="ConvReference"/>.</summary>
public sealed class ConvKernelTests
{
    /// <summary>One case a line: "N C H W O KH KW sH sW pH pW".</summary>
    public static TheoryData<string> Cases => new()
    {
        "1 1 1 1 1 1 1 1 1 0 0",      // everything 1
        "3 2 5 7 3 1 1 1 1 0 0",      // 1×1 pointwise path (no im2col)
        "1 3 5 5 2 1 1 2 2 0 0",      // 1×1 with stride: im2col path
        "2 1 4 4 1 1 1 1 1 1 1",      // 1×1 with padding: border outputs are pure bias
        "3 1 28 28 8 5 5 1 1 2 2",    // MNIST first layer, small batch
        "4 8 14 14 16 5 5 1 1 2 2",   // MNIST second layer: big enough for im2col/col2im in parallel
        "3 2 28 28 4 5 5 1 1 2 2",    // parallel im2col, batch not divisible by the thread count
        "1 4 13 11 7 3 5 2 3 1 2",    // KH ≠ KW, non-square, odd strides
        "3 5 7 9 6 7 9 1 1 0 0",      // kernel equals input: 1×1 output
        "3 2 6 5 4 6 5 2 1 2 1",      // kernel equals input, with padding
        "1 2 9 13 5 2 3 3 2 1 0",     // even kernel, stride 3 rows
        "3 3 1 13 2 1 3 1 3 0 1",     // H = 1
        "1 5 12 1 3 3 1 2 1 1 0",     // W = 1
        "3 2 8 8 7 4 2 3 3 2 0",      // stride 3 both ways, padding only in H
        "1 1 3 3 1 3 3 1 1 2 2",      // padding 2 on a 3×3 input: many all-padding taps
        "2 3 10 6 1 5 3 1 2 2 1",     // O = 1
        "3 4 11 9 2 3 3 3 1 0 2",     // padding only in W
        "2 3 9 8 16 4 4 1 1 1 2",     // O = 16: backward-weights through the transposed product dwᵀ = col·dytᵀ
        "1 5 7 6 32 3 3 1 1 1 1",     // O = 32, K = 45: transposed product with a partial row tile
        "2 3 67 61 5 5 3 2 1 2 1",    // 67×61: rows and GEMM sizes that match no block size (K = 45, P = 32·61)
        "1 7 67 67 3 1 1 1 1 0 0",    // pointwise on 67×67: P = 4489, not a multiple of any tile
        "2 67 5 5 13 3 3 1 1 1 1",    // C = 67: GEMM inner dimension K = 603, past the 256 K-block
        "19 3 9 9 16 5 5 1 1 2 2",    // N = 19: three groups of partial weight gradients, the last one short
        "17 2 6 6 3 1 1 1 1 0 0",     // pointwise, N = 17: groups on the 1×1 path
        "3 4 9 7 17 3 3 1 1 1 1",     // O = 17: two 16-wide output panels (implicit backward-weights)
        "2 3 30 33 8 5 5 1 1 2 2",    // padded width 37: output rows straddle the 16-wide panels unevenly
    };

    /// <summary>Every case on both paths: the implicit GEMM (stride 1) and im2col + GEMM.</summary>
    public static TheoryData<string, bool> CasesBothPaths
    {
        get
        {
            var data = new TheoryData<string, bool>();
            foreach (string line in Cases)
            {
                data.Add(line, true);
                data.Add(line, false);
            }
            return data;
        }
    }

    private readonly record struct Case(int N, int C, int H, int W, int O, int KH, int KW, int sH, int sW, int pH, int pW)
    {
        public static Case Parse(string line)
        {
            int[] v = Ints(line);
            return new(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]);
        }
        public int OH => Im2Col.OutSize(H, KH, sH, pH);
        public int OW => Im2Col.OutSize(W, KW, sW, pW);
        public int XLength => N * C * H * W;
        public int WLength => O * C * KH * KW;
        public int YLength => N * O * OH * OW;
    }

    [Theory, MemberData(nameof(CasesBothPaths))]
    public void ForwardMatchesReference(string line, bool implicitGemm)
    {
        var k = Case.Parse(line);
        float[] x = Uniform(1, k.XLength), w = Uniform(2, k.WLength), b = Uniform(3, k.O);
        foreach (float[] bias in new[] { b, [] })
        {
            var expected = new float[k.YLength];
            var magnitude = new float[k.YLength];
            var actual = Enumerable.Repeat(float.NaN, k.YLength).ToArray();   // forward overwrites
            ConvReference.Conv2dForward(x, k.N, k.C, k.H, k.W, w, k.O, k.KH, k.KW, bias, k.sH, k.sW, k.pH, k.pW, expected);
            ConvReference.Conv2dForward(Abs(x), k.N, k.C, k.H, k.W, Abs(w), k.O, k.KH, k.KW, Abs(bias), k.sH, k.sW, k.pH, k.pW, magnitude);
            Conv.Conv2dForward(x, k.N, k.C, k.H, k.W, w, k.O, k.KH, k.KW, bias, k.sH, k.sW, k.pH, k.pW, actual, implicitGemm);
            AssertClose(expected, actual, magnitude);
        }
    }

    [Theory, MemberData(nameof(CasesBothPaths))]
    public void BackwardDataMatchesReferenceAndAdds(string line, bool implicitGemm)
    {
        var k = Case.Parse(line);
        float[] dy = Uniform(4, k.YLength), w = Uniform(2, k.WLength), dx0 = Uniform(5, k.XLength);
        float[] expected = (float[])dx0.Clone(), actual = (float[])dx0.Clone(), magnitude = Abs(dx0);
        ConvReference.Conv2dBackwardData(dy, w, k.N, k.C, k.H, k.W, k.O, k.KH, k.KW, k.sH, k.sW, k.pH, k.pW, expected);
        ConvReference.Conv2dBackwardData(Abs(dy), Abs(w), k.N, k.C, k.H, k.W, k.O, k.KH, k.KW, k.sH, k.sW, k.pH, k.pW, magnitude);
        Conv.Conv2dBackwardData(dy, w, k.N, k.C, k.H, k.W, k.O, k.KH, k.KW, k.sH, k.sW, k.pH, k.pW, actual, implicitGemm);
        AssertClose(expected, actual, magnitude);
    }

    [Theory, MemberData(nameof(CasesBothPaths))]
    public void BackwardWeightsMatchesReferenceAndAdds(string line, bool implicitGemm)
    {
        var k = Case.Parse(line);
        float[] x = Uniform(1, k.XLength), dy = Uniform(4, k.YLength);
        float[] dw0 = Uniform(6, k.WLength), db0 = Uniform(7, k.O);
        float[] dwRef = (float[])dw0.Clone(), dbRef = (float[])db0.Clone();
        float[] dwMag = Abs(dw0), dbMag = Abs(db0);
        ConvReference.Conv2dBackwardWeights(x, dy, k.N, k.C, k.H, k.W, k.O, k.KH, k.KW, k.sH, k.sW, k.pH, k.pW, dwRef, dbRef);
        ConvReference.Conv2dBackwardWeights(Abs(x), Abs(dy), k.N, k.C, k.H, k.W, k.O, k.KH, k.KW, k.sH, k.sW, k.pH, k.pW, dwMag, dbMag);

        float[] dw = (float[])dw0.Clone(), db = (float[])db0.Clone();
        Conv.Conv2dBackwardWeights(x, dy, k.N, k.C, k.H, k.W, k.O, k.KH, k.KW, k.sH, k.sW, k.pH, k.pW, dw, db, implicitGemm);
        AssertClose(dwRef, dw, dwMag);
        AssertClose(dbRef, db, dbMag);

        // Without a bias: db empty, dw the same.
        dw = (float[])dw0.Clone();
        Conv.Conv2dBackwardWeights(x, dy, k.N, k.C, k.H, k.W, k.O, k.KH, k.KW, k.sH, k.sW, k.pH, k.pW, dw, [], implicitGemm);
        AssertClose(dwRef, dw, dwMag);
    }

    /// <summary>The fused backward: dx overwritten when fresh (garbage in its memory), dw and db added into.</summary>
    [Theory, MemberData(nameof(CasesBothPaths))]
    public void FusedBackwardMatchesReference(string line, bool implicitGemm)
    {
        var k = Case.Parse(line);
        float[] x = Uniform(1, k.XLength), w = Uniform(2, k.WLength), dy = Uniform(4, k.YLength);
        float[] dw0 = Uniform(6, k.WLength), db0 = Uniform(7, k.O);
        float[] dxRef = new float[k.XLength], dxMag = new float[k.XLength];
        ConvReference.Conv2dBackwardData(dy, w, k.N, k.C, k.H, k.W, k.O, k.KH, k.KW, k.sH, k.sW, k.pH, k.pW, dxRef);
        ConvReference.Conv2dBackwardData(Abs(dy), Abs(w), k.N, k.C, k.H, k.W, k.O, k.KH, k.KW, k.sH, k.sW, k.pH, k.pW, dxMag);
        float[] dwRef = (float[])dw0.Clone(), dbRef = (float[])db0.Clone(), dwMag = Abs(dw0), dbMag = Abs(db0);
        ConvReference.Conv2dBackwardWeights(x, dy, k.N, k.C, k.H, k.W, k.O, k.KH, k.KW, k.sH, k.sW, k.pH, k.pW, dwRef, dbRef);
        ConvReference.Conv2dBackwardWeights(Abs(x), Abs(dy), k.N, k.C, k.H, k.W, k.O, k.KH, k.KW, k.sH, k.sW, k.pH, k.pW, dwMag, dbMag);

        var dx = Enumerable.Repeat(float.NaN, k.XLength).ToArray();
        float[] dw = (float[])dw0.Clone(), db = (float[])db0.Clone();
        Conv.Conv2dBackward(x, dy, w, k.N, k.C, k.H, k.W, k.O, k.KH, k.KW, k.sH, k.sW, k.pH, k.pW, dx, dxFresh: true, dw, db, implicitGemm);
        AssertClose(dxRef, dx, dxMag);
        AssertClose(dwRef, dw, dwMag);
        AssertClose(dbRef, db, dbMag);
    }

    /// <summary>The weight gradient is bit-identical on 1 and 2 threads (fixed groups, summed in order).</summary>
    [Fact]
    public void WeightGradientDoesNotDependOnTheThreadCount()
    {
        var k = Case.Parse("64 8 14 14 16 5 5 1 1 2 2");
        float[] x = Uniform(1, k.XLength), w = Uniform(2, k.WLength), dy = Uniform(4, k.YLength);
        float[] Run(int threads)
        {
            int before = ThetaRuntime.Threads;
            ThetaRuntime.Threads = threads;
            try
            {
                float[] dw = new float[k.WLength], dx = new float[k.XLength];
                Conv.Conv2dBackward(x, dy, w, k.N, k.C, k.H, k.W, k.O, k.KH, k.KW, k.sH, k.sW, k.pH, k.pW, dx, dxFresh: false, dw, []);
                return [.. dw, .. dx];
            }
            finally { ThetaRuntime.Threads = before; }
        }
        Assert.Equal(Run(1), Run(2));
    }

    /// <summary>col2im is the adjoint of im2col: ⟨im2col(x), c⟩ = ⟨x, col2im(c)⟩, here with ldCol &gt; OH·OW.</summary>
    [Theory, MemberData(nameof(Cases))]
    public void Col2ImIsTheAdjointOfIm2Col(string line)
    {
        var k = Case.Parse(line);
        int rows = k.C * k.KH * k.KW, P = k.OH * k.OW, ld = P + 3;
        float[] x = Uniform(8, k.C * k.H * k.W), c = Uniform(9, rows * ld);
        var col = Enumerable.Repeat(float.NaN, rows * ld).ToArray();
        var back = new float[x.Length];
        Im2Col.Forward(x, k.C, k.H, k.W, k.KH, k.KW, k.sH, k.sW, k.pH, k.pW, col, ld);
        Im2Col.Backward(c, ld, k.C, k.H, k.W, k.KH, k.KW, k.sH, k.sW, k.pH, k.pW, back);

        double lhs = 0, rhs = 0, scale = 0;
        for (int r = 0; r < rows; r++)
            for (int p = 0; p < P; p++)
            {
                lhs += (double)col[r * ld + p] * c[r * ld + p];
                scale += Math.Abs((double)col[r * ld + p] * c[r * ld + p]);
            }
        for (int i = 0; i < x.Length; i++) rhs += (double)x[i] * back[i];
        Assert.True(Math.Abs(lhs - rhs) <= 1e-5 * scale + 1e-30, $"<im2col(x), c> = {lhs}, <x, col2im(c)> = {rhs}");
        for (int r = 0; r < rows; r++)   // the gap columns beyond OH·OW are left alone
            Assert.True(float.IsNaN(col[r * ld + P]));
    }
}
