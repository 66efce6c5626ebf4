using Theta.Kernels;
using static Theta.Tests.Kernels.GemmTests;

namespace Theta.Tests.Kernels;

/// <summary>
/// The 512-bit path (<see cref="GemmMicroKernel512"/>, 12×32 tiles) forced, whatever the CPU: where AVX-512 is
/// missing the runtime runs its Vector512 code in software, so its logic (packing to 12 and 32, partial tiles,
/// the narrow last panel, B read in place, K slices, the split over threads) is checked on every machine.
/// Sizes stay small: the emulation is slow. Every path computes each element as the same FMA chain, so the
/// 512-bit results must equal the 256-bit and portable ones bit for bit, as well as meet the reference's bound.
/// </summary>
public sealed class GemmAvx512Tests
{
    private const GemmPath P = GemmPath.Avx512;

    /// <summary>Sizes around the 12×32 tile's edges (1, 11, 12, 13, 31, 32, 33 …) for each transpose case.</summary>
    public static TheoryData<bool, bool, int, int, int> TileEdges()
    {
        var data = new TheoryData<bool, bool, int, int, int>();
        foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false), (true, true) })
        {
            foreach (int m in new[] { 1, 11, 12, 13, 25 }) data.Add(ta, tb, m, 33, 19);
            foreach (int n in new[] { 1, 7, 8, 9, 16, 31, 32, 65 }) data.Add(ta, tb, 13, n, 17);
            foreach (int k in new[] { 1, 2, 257 }) data.Add(ta, tb, 14, 35, k);   // 257: two K slices
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(TileEdges))]
    public void MatchesReference(bool ta, bool tb, int M, int N, int K) => Check(ta, tb, M, N, K, path: P);

    [Theory] // padded leading dimensions; alpha and beta on whole and partial tiles
    [InlineData(false, false, 37, 45, 29, 3, 5, 7)]
    [InlineData(true, true, 29, 70, 31, 8, 1, 16)]
    [InlineData(true, false, 25, 40, 21, 11, 2, 1)]
    public void StridedOperands(bool ta, bool tb, int M, int N, int K, int padA, int padB, int padC)
        => Check(ta, tb, M, N, K, alpha: -0.5f, beta: 2f, padA: padA, padB: padB, padC: padC, path: P);

    [Theory]
    [InlineData(1f, 0f)]
    [InlineData(1f, 1f)]
    [InlineData(-0.5f, 2f)]
    [InlineData(2.5f, 0f)]
    public void AlphaBeta(float alpha, float beta)
    {
        foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false), (true, true) })
        {
            Check(ta, tb, 25, 68, 40, alpha: alpha, beta: beta, path: P);   // a last panel of 4 columns: 12×8 tiles
            Check(ta, tb, 30, 50, 33, alpha: alpha, beta: beta, threads: 2, path: P);
        }
    }

    [Theory] // the same bits on 1, 2 and 3 threads
    [InlineData(false, false, 50, 70, 40)]
    [InlineData(false, true, 40, 100, 60)]    // the MLP's x·W1ᵀ shape in small: a narrow last panel of 4
    [InlineData(true, false, 36, 99, 30)]     // B read in place, a last panel of 3 packed
    [InlineData(true, true, 61, 45, 260)]     // two K slices
    public void ThreadCountDoesNotChangeBits(bool ta, bool tb, int M, int N, int K)
    {
        float[] one = Run(ta, tb, M, N, K, threads: 1, P);
        Assert.Equal(one, Run(ta, tb, M, N, K, threads: 2, P));
        Assert.Equal(one, Run(ta, tb, M, N, K, threads: 3, P));
    }

    [Theory] // a row-major A packed into 12-row panels (the default) or read in place: the same bits, both within the bound
    [InlineData(false, false, 13, 33, 17)]
    [InlineData(false, true, 40, 100, 100)]
    [InlineData(false, false, 25, 70, 270)]   // two K slices, a last panel of 6 columns
    [InlineData(false, false, 36, 64, 130)]   // B read in place when A is packed (K ≤ 128 only: 130 packs B)
    [InlineData(false, false, 36, 64, 100)]
    public void InPlaceAndPackedAAgree(bool ta, bool tb, int M, int N, int K)
    {
        bool saved = Gemm.InPlaceA512;
        try
        {
            Gemm.InPlaceA512 = false;
            float[] packed = Run(ta, tb, M, N, K, 2, P);
            Check(ta, tb, M, N, K, alpha: 0.5f, beta: 1f, path: P);
            Gemm.InPlaceA512 = true;
            Assert.Equal(packed, Run(ta, tb, M, N, K, 2, P));
            Check(ta, tb, M, N, K, alpha: 0.5f, beta: 1f, path: P);
        }
        finally { Gemm.InPlaceA512 = saved; }
    }

    [Theory] // every path runs the same FMA chains: 512-bit = 256-bit = portable, bit for bit
    [InlineData(false, false, 29, 67, 70)]
    [InlineData(false, true, 40, 100, 100)]
    [InlineData(true, false, 36, 99, 30)]
    [InlineData(true, true, 25, 33, 300)]
    [InlineData(false, false, 13, 8, 9)]
    public void EqualsOtherPathsBits(bool ta, bool tb, int M, int N, int K)
    {
        float[] wide = Run(ta, tb, M, N, K, 1, P);
        Assert.Equal(Run(ta, tb, M, N, K, 1, GemmPath.Portable), wide);
        if (Isa.Supported(GemmPath.Avx2)) Assert.Equal(Run(ta, tb, M, N, K, 1, GemmPath.Avx2), wide);
    }
}
