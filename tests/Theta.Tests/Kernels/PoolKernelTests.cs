using Theta.Kernels;
using static Theta.Tests.Kernels.KernelTestData;

namespace Theta.Tests.Kernels;

/// <summary>Max-pooling against the naive <see cref="PoolReference"/>, which visits every tap.</summary>
public sealed class PoolKernelTests
{
    /// <summary>One case a line: "N C H W KH KW sH sW pH pW".</summary>
    public static TheoryData<string> Cases => new()
    {
        "1 1 1 1 1 1 1 1 0 0",        // identity
        "3 2 28 28 2 2 2 2 0 0",      // the usual 2×2 / 2
        "1 3 7 9 3 3 2 2 1 1",        // odd sizes with padding
        "3 1 5 5 5 5 1 1 0 0",        // window equals input
        "1 4 13 11 3 2 1 3 1 1",      // KH ≠ KW, stride 1 and 3
        "3 5 1 13 1 4 1 2 0 2",       // H = 1, pad 2 < KW
        "1 2 6 1 3 1 3 1 1 0",        // W = 1
        "3 3 8 10 4 3 3 2 2 1",       // overlapping windows, padding 2 in H
        "1 1 3 3 2 2 1 1 1 1",        // padding on both sides, every corner window mostly padding
        "11 9 29 30 2 2 2 2 0 0",     // large enough to split planes over threads (99 planes, odd H and W)
        "5 16 14 14 3 3 3 3 0 0",     // tiling windows that leave the last two rows and columns out (the CNN's pool 3)
        "2 3 9 8 1 2 1 2 0 0",        // tiling 1×2 windows
        "2 3 7 21 3 2 3 2 0 0",       // tiling 3×2 windows, 10 a row: the vector path's overlapping last eight
    };

    [Theory, MemberData(nameof(Cases))]
    public void ForwardAndBackwardMatchReference(string line) => Check(line, Uniform(1, Size(line)), seed: 2);

    /// <summary>Small integers make ties common: the first maximum in row-major window order wins in both.</summary>
    [Theory, MemberData(nameof(Cases))]
    public void TiesGoToTheFirstMaximum(string line)
        => Check(line, Array.ConvertAll(Uniform(3, Size(line)), v => MathF.Round(v * 1.5f)), seed: 4);

    [Fact]
    public void AllEqualWindowPicksItsFirstRealElement()
    {
        // 1×1×2×2 of ones, 2×2 window, stride 1, pad 1: nine windows, the corner ones with one real pixel.
        var y = new float[9];
        var at = new int[9];
        Pool.MaxPool2dForward([1, 1, 1, 1], 1, 1, 2, 2, 2, 2, 1, 1, 1, 1, y, at);
        Assert.Equal([0, 0, 1, 0, 0, 1, 2, 2, 3], at);
        Assert.All(y, v => Assert.Equal(1f, v));
    }

    [Theory]
    [InlineData(2)]   // stride = kernel: tiling windows (the branch-free path)
    [InlineData(1)]   // overlapping windows (the general path); one window on a 2×2 input either way
    public void NaNWins(int stride)
    {
        var y = new float[1];
        var at = new int[1];
        Pool.MaxPool2dForward([1, float.NaN, 5, float.NaN], 1, 1, 2, 2, 2, 2, stride, stride, 0, 0, y, at);
        Assert.True(float.IsNaN(y[0]));
        Assert.Equal(1, at[0]);
    }

    /// <summary>The eight-window vector path (2×2 / 2 on a 2×16 row): NaN at each tap of a window, numbers elsewhere.</summary>
    [Fact]
    public void NaNWinsInTheVectorPath()
    {
        var x = new float[32];
        for (int i = 0; i < 32; i++) x[i] = i % 7;
        x[0] = float.NaN; x[3] = float.NaN; x[16 + 4] = float.NaN; x[16 + 7] = float.NaN; x[16 + 15] = float.NaN;
        var y = new float[8];
        var at = new int[8];
        var yRef = new float[8];
        var atRef = new int[8];
        Pool.MaxPool2dForward(x, 1, 1, 2, 16, 2, 2, 2, 2, 0, 0, y, at);
        PoolReference.MaxPool2dForward(x, 1, 1, 2, 16, 2, 2, 2, 2, 0, 0, yRef, atRef);
        Assert.Equal(atRef, at);
        Assert.Equal(yRef, y);
        Assert.Equal([0, 3, 20, 23, 0, 0, 0, 31], at.Select((a, i) => float.IsNaN(y[i]) ? a : 0));
    }

    [Fact]
    public void NaNWinsAtTheFirstTap()
    {
        var y = new float[1];
        var at = new int[1];
        Pool.MaxPool2dForward([float.NaN, 7, float.NaN, 9], 1, 1, 2, 2, 2, 2, 2, 2, 0, 0, y, at);
        Assert.True(float.IsNaN(y[0]));
        Assert.Equal(0, at[0]);
    }

    private static int Size(string line)
    {
        int[] v = Ints(line);
        return v[0] * v[1] * v[2] * v[3];
    }

    private static void Check(string line, float[] x, int seed)
    {
        int[] v = Ints(line);
        (int N, int C, int H, int W, int KH, int KW, int sH, int sW, int pH, int pW) = (v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]);
        int outLength = N * C * Im2Col.OutSize(H, KH, sH, pH) * Im2Col.OutSize(W, KW, sW, pW);
        float[] y = new float[outLength], yRef = new float[outLength];
        int[] at = new int[outLength], atRef = new int[outLength];
        Pool.MaxPool2dForward(x, N, C, H, W, KH, KW, sH, sW, pH, pW, y, at);
        PoolReference.MaxPool2dForward(x, N, C, H, W, KH, KW, sH, sW, pH, pW, yRef, atRef);
        Assert.Equal(yRef, y);   // a max is exact: no rounding to allow for
        Assert.Equal(atRef, at);
        Assert.All(at, i => Assert.InRange(i, 0, x.Length - 1));

        // Backward adds into a pre-filled dx; sums of the same terms in the same order are exact.
        float[] dy = Uniform(seed, outLength), dx0 = Uniform(seed + 1, x.Length);
        float[] dx = (float[])dx0.Clone(), dxRef = (float[])dx0.Clone();
        Pool.MaxPool2dBackward(dy, at, dx, N * C, fresh: false);
        PoolReference.MaxPool2dBackward(x, dy, N, C, H, W, KH, KW, sH, sW, pH, pW, dxRef);
        Assert.Equal(dxRef, dx);
        Assert.NotEqual(dx0, dx);

        // Fresh: garbage in dx is overwritten; the result is the routed dy alone.
        var dxFresh = Enumerable.Repeat(float.NaN, x.Length).ToArray();
        var dxZero = new float[x.Length];
        Pool.MaxPool2dBackward(dy, at, dxFresh, N * C, fresh: true);
        PoolReference.MaxPool2dBackward(x, dy, N, C, H, W, KH, KW, sH, sW, pH, pW, dxZero);
        Assert.Equal(dxZero, dxFresh);
    }
}
