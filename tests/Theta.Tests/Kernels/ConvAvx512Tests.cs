using Theta.Kernels;
using static Theta.Tests.Kernels.KernelTestData;

namespace Theta.Tests.Kernels;

/// <summary>
/// The implicit-GEMM convolution (<see cref="ConvImplicit"/>, stride 1) on its 512-bit path forced, whatever the CPU
/// (where AVX-512 is missing the runtime runs the Vector512 tiles in software): forward 8×32 tiles with the taps read
/// in place and 12×32 ones on packed panels, backward-data 12×32, backward-weights 12×32, 12×16 and 12×8, positions
/// in panels of 32. Each case against <see cref="ConvReference"/>'s direct loops, and bit for bit against the avx2
/// path (same FMA chains over the same K slices) and across thread counts. Small sizes: the emulation is slow.
/// </summary>
public sealed class ConvAvx512Tests
{
    private const GemmPath Wide = GemmPath.Avx512;

    /// <summary>"N C H W O KH KW pH pW" (stride 1), with the tiles each one reaches on the avx512 path.</summary>
    public static TheoryData<string> Cases => new()
    {
        "3 1 28 28 8 5 5 2 2",     // MNIST layer 1: forward one 8×32 panel in place, backward-weights 12×8
        "2 8 14 14 16 5 5 2 2",    // MNIST layer 2: forward two 8×32 panels, backward-weights 12×16, backward-data K = 200
        "2 3 9 8 12 4 4 1 2",      // O = 12: forward 12×32 on packed panels, backward-weights 12×16 with 4 columns unused
        "1 2 7 6 36 3 3 1 1",      // O = 36: forward three 12×32 panels, backward-weights two 12×32 panels (4 of 64 used)
        "2 3 6 7 17 3 2 0 1",      // O = 17: forward three 8×32 panels, backward-weights one 12×32 panel
        "1 30 5 6 10 3 3 1 1",     // K = 270: two K slices on the 12-row forward, a partial last row tile (270 = 22·12 + 6)
        "2 67 4 5 13 3 3 1 1",     // K = 603: three K slices on the 8-row forward
        "2 3 30 33 8 5 5 2 2",     // padded width 37: output rows straddle the 32-wide panels unevenly
        "3 2 3 4 5 2 2 0 1",       // Q = 2·6 + 5 = 17 < 32: one partial panel, copied
        "19 3 9 9 16 5 5 2 2",     // N = 19: three groups of weight-gradient partials, the last one short
        "2 3 10 6 1 5 3 2 1",      // O = 1
        "1 5 12 1 3 3 1 1 0",      // W = 1
    };

    private readonly record struct Case(int N, int C, int H, int W, int O, int KH, int KW, int pH, int pW)
    {
        public static Case Parse(string line)
        {
            int[] v = Ints(line);
            return new(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
        }
        public int XLength => N * C * H * W;
        public int WLength => O * C * KH * KW;
        public int YLength => N * O * Im2Col.OutSize(H, KH, 1, pH) * Im2Col.OutSize(W, KW, 1, pW);
    }

    private static float[] Forward(Case k, float[] x, float[] w, float[] bias, GemmPath path)
    {
        var y = Enumerable.Repeat(float.NaN, k.YLength).ToArray();   // forward overwrites
        ConvImplicit.Forward(x, k.N, k.C, k.H, k.W, w, k.O, k.KH, k.KW, bias, k.pH, k.pW, y, path);
        return y;
    }

    /// <summary>dx (fresh: its memory starts as NaN) and dw (added into dw0), one fused sweep.</summary>
    private static (float[] dx, float[] dw) Backward(Case k, float[] x, float[] dy, float[] w, float[] dw0, GemmPath path)
    {
        var dx = Enumerable.Repeat(float.NaN, k.XLength).ToArray();
        float[] dw = (float[])dw0.Clone();
        ConvImplicit.Backward(x, dy, w, k.N, k.C, k.H, k.W, k.O, k.KH, k.KW, k.pH, k.pW, dx, dxFresh: true, dw, path);
        return (dx, dw);
    }

    [Theory, MemberData(nameof(Cases))]
    public void ForwardMatchesReferenceAndAvx2Bits(string line)
    {
        var k = Case.Parse(line);
        float[] x = Uniform(1, k.XLength), w = Uniform(2, k.WLength), b = Uniform(3, k.O);
        foreach (float[] bias in new[] { b, [] })
        {
            float[] expected = new float[k.YLength], magnitude = new float[k.YLength];
            ConvReference.Conv2dForward(x, k.N, k.C, k.H, k.W, w, k.O, k.KH, k.KW, bias, 1, 1, k.pH, k.pW, expected);
            ConvReference.Conv2dForward(Abs(x), k.N, k.C, k.H, k.W, Abs(w), k.O, k.KH, k.KW, Abs(bias), 1, 1, k.pH, k.pW, magnitude);
            float[] wide = Forward(k, x, w, bias, Wide);
            AssertClose(expected, wide, magnitude);
            if (Isa.Supported(GemmPath.Avx2)) Assert.Equal(Forward(k, x, w, bias, GemmPath.Avx2), wide);
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public void BackwardMatchesReferenceAndAvx2Bits(string line)
    {
        var k = Case.Parse(line);
        float[] x = Uniform(1, k.XLength), w = Uniform(2, k.WLength), dy = Uniform(4, k.YLength), dw0 = Uniform(6, k.WLength);
        float[] dxRef = new float[k.XLength], dxMag = new float[k.XLength];
        ConvReference.Conv2dBackwardData(dy, w, k.N, k.C, k.H, k.W, k.O, k.KH, k.KW, 1, 1, k.pH, k.pW, dxRef);
        ConvReference.Conv2dBackwardData(Abs(dy), Abs(w), k.N, k.C, k.H, k.W, k.O, k.KH, k.KW, 1, 1, k.pH, k.pW, dxMag);
        float[] dwRef = (float[])dw0.Clone(), dwMag = Abs(dw0);
        ConvReference.Conv2dBackwardWeights(x, dy, k.N, k.C, k.H, k.W, k.O, k.KH, k.KW, 1, 1, k.pH, k.pW, dwRef, []);
        ConvReference.Conv2dBackwardWeights(Abs(x), Abs(dy), k.N, k.C, k.H, k.W, k.O, k.KH, k.KW, 1, 1, k.pH, k.pW, dwMag, []);

        var (dx, dw) = Backward(k, x, dy, w, dw0, Wide);
        AssertClose(dxRef, dx, dxMag);
        AssertClose(dwRef, dw, dwMag);
        if (Isa.Supported(GemmPath.Avx2))
        {
            var (dx2, dw2) = Backward(k, x, dy, w, dw0, GemmPath.Avx2);
            Assert.Equal(dx2, dx);
            Assert.Equal(dw2, dw);
        }

        // dx accumulated (not fresh) and dx alone: dx0 + the same gradient as the reference's.
        float[] dx0 = Uniform(5, k.XLength), acc = (float[])dx0.Clone(), accRef = (float[])dx0.Clone();
        ConvReference.Conv2dBackwardData(dy, w, k.N, k.C, k.H, k.W, k.O, k.KH, k.KW, 1, 1, k.pH, k.pW, accRef);
        ConvImplicit.Backward([], dy, w, k.N, k.C, k.H, k.W, k.O, k.KH, k.KW, k.pH, k.pW, acc, dxFresh: false, [], Wide);
        float[] accMag = Abs(dx0);
        for (int i = 0; i < accMag.Length; i++) accMag[i] += dxMag[i];
        AssertClose(accRef, acc, accMag);
    }

    /// <summary>The same bits on 1, 2 and 3 threads (images split across threads; weight partials in fixed groups).</summary>
    [Fact]
    public void ThreadCountDoesNotChangeBits()
    {
        var k = Case.Parse("19 8 14 14 16 5 5 2 2");
        float[] x = Uniform(1, k.XLength), w = Uniform(2, k.WLength), dy = Uniform(4, k.YLength), dw0 = new float[k.WLength];
        float[] Run(int threads)
        {
            int before = ThetaRuntime.Threads;
            ThetaRuntime.Threads = threads;
            try
            {
                var (dx, dw) = Backward(k, x, dy, w, dw0, Wide);
                return [.. Forward(k, x, w, Uniform(3, k.O), Wide), .. dx, .. dw];
            }
            finally { ThetaRuntime.Threads = before; }
        }
        float[] one = Run(1);
        Assert.Equal(one, Run(2));
        Assert.Equal(one, Run(3));
    }
}
