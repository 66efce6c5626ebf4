using Theta.Kernels;

namespace Theta.Tests.Kernels;

/// <summary>
/// The packed <see cref="Gemm"/> against the naive <see cref="GemmReference"/> (double accumulation).
/// Each case: random operands in [-1, 1], op shapes op(A) [M×K], op(B) [K×N], C [M×N], optional padding
/// of the leading dimensions (strided sub-matrices), and a per-element error bound
///   |C − C_ref| ≤ (2·√K + 4)·eps·(|alpha|·(|op(A)|·|op(B)|) + |beta·C₀|),
/// the usual √K growth of a rounding error over K fp32 multiply-adds (plus the final scaling).
/// </summary>
public sealed class GemmTests
{
    /// <summary>All of 1..67 for one dimension at a time (the others fixed and odd), every transpose case.</summary>
    public static TheoryData<bool, bool, int, int, int> SizeSweep()
    {
        var data = new TheoryData<bool, bool, int, int, int>();
        foreach (var (ta, tb) in TransposeCases)
            for (int d = 1; d <= 67; d++)
            {
                data.Add(ta, tb, d, 17, 29);
                data.Add(ta, tb, 11, d, 23);
                data.Add(ta, tb, 13, 19, d);
            }
        return data;
    }

    /// <summary>Seeded random (M, N, K) in 1..300 with random transposes.</summary>
    public static TheoryData<bool, bool, int, int, int> RandomTriples()
    {
        var data = new TheoryData<bool, bool, int, int, int>();
        var rng = new Random(1234);
        for (int i = 0; i < 24; i++)
            data.Add(rng.Next(2) == 1, rng.Next(2) == 1, rng.Next(1, 301), rng.Next(1, 301), rng.Next(1, 301));
        return data;
    }

    private static readonly (bool, bool)[] TransposeCases = [(false, false), (false, true), (true, false), (true, true)];

    [Theory]
    [MemberData(nameof(SizeSweep))]
    [MemberData(nameof(RandomTriples))]
    public void MatchesReference(bool ta, bool tb, int M, int N, int K) => Check(ta, tb, M, N, K);

    [Theory] // sizes that are not multiples of MR = 6, NR = 16, KC = 256, MC = 144, NC = 4096
    [InlineData(false, false, 97, 513, 131)]
    [InlineData(false, true, 97, 513, 131)]
    [InlineData(true, false, 97, 513, 131)]
    [InlineData(true, true, 97, 513, 131)]
    [InlineData(false, false, 145, 33, 257)]  // MC + 1, KC + 1
    [InlineData(true, true, 145, 33, 257)]
    [InlineData(false, false, 7, 4097, 9)]    // NC + 1
    [InlineData(false, true, 5, 4097, 513)]   // NC + 1 and 2·KC + 1
    [InlineData(false, false, 1, 1, 1000)]
    public void MatchesReferenceAcrossBlocks(bool ta, bool tb, int M, int N, int K) => Check(ta, tb, M, N, K);

    [Theory] // leading dimensions wider than the rows: the operands are sub-matrices of bigger ones
    [InlineData(false, false, 37, 45, 29, 3, 5, 7)]
    [InlineData(false, true, 37, 45, 29, 1, 16, 2)]
    [InlineData(true, false, 37, 45, 29, 11, 1, 1)]
    [InlineData(true, true, 37, 45, 29, 8, 8, 8)]
    [InlineData(false, false, 150, 70, 300, 13, 17, 19)]
    public void StridedOperands(bool ta, bool tb, int M, int N, int K, int padA, int padB, int padC)
        => Check(ta, tb, M, N, K, padA: padA, padB: padB, padC: padC);

    [Theory]
    [InlineData(1f, 0f)]     // C is pre-filled with NaN: beta = 0 must overwrite, not multiply
    [InlineData(1f, 1f)]     // accumulate
    [InlineData(-0.5f, 2f)]
    [InlineData(0f, 0f)]     // alpha = 0, beta = 0: zeros, even over NaN
    [InlineData(0f, 3f)]     // alpha = 0: C = beta·C
    [InlineData(2.5f, 0f)]
    public void AlphaBeta(float alpha, float beta)
    {
        foreach (var (ta, tb) in TransposeCases)
        {
            Check(ta, tb, 23, 41, 300, alpha: alpha, beta: beta);
            Check(ta, tb, 29, 36, 70, alpha: alpha, beta: beta);   // a last panel of 4 columns: 12×8 tiles, 5 rows in the last
            Check(ta, tb, 150, 200, 100, alpha: alpha, beta: beta, threads: 2);
        }
    }

    [Fact]
    public void EmptyInnerDimensionScalesC()
    {
        float[] c = [1f, 2f, 3f, 4f];
        Gemm.Sgemm(false, false, 2, 2, 0, 1f, [], 1, [], 2, 0.5f, c, 2);
        Assert.Equal([0.5f, 1f, 1.5f, 2f], c);
    }

    [Theory] // each element is computed by one thread in one order: any thread count, same bits
    [InlineData(false, false, 200, 150, 300)] // split over M
    [InlineData(false, true, 150, 300, 200)]  // split over N
    [InlineData(true, false, 97, 513, 131)]
    [InlineData(true, true, 301, 67, 257)]
    [InlineData(false, true, 64, 100, 784)]   // the MLP's forward x·W1ᵀ: six whole panels and a narrow one of 4 columns
    [InlineData(false, false, 61, 200, 130)]  // a narrow last panel of 8 columns
    [InlineData(true, false, 100, 790, 64)]   // the MLP's weight gradient gᵀ·x: B read in place, a last panel of 6 packed
    public void ThreadCountDoesNotChangeBits(bool ta, bool tb, int M, int N, int K)
    {
        float[] one = Run(ta, tb, M, N, K, threads: 1, Gemm.DefaultPath);
        Assert.Equal(one, Run(ta, tb, M, N, K, threads: 2, Gemm.DefaultPath));
        Assert.Equal(one, Run(ta, tb, M, N, K, threads: 3, Gemm.DefaultPath));
    }

    [Theory] // the Vector<T> fallback, forced
    [InlineData(false, false, 97, 513, 131)]
    [InlineData(false, true, 67, 31, 300)]
    [InlineData(true, false, 1, 17, 5)]
    [InlineData(true, true, 150, 70, 40)]
    public void PortablePathMatchesReference(bool ta, bool tb, int M, int N, int K)
        => Check(ta, tb, M, N, K, alpha: 0.75f, beta: 0.5f, threads: 2, path: GemmPath.Portable);

    [Theory] // both micro-kernels run the same FMA chains, so they agree bit for bit
    [InlineData(false, false, 97, 130, 300)]
    [InlineData(true, true, 50, 17, 9)]
    [InlineData(false, true, 64, 100, 784)]   // the narrow last panel (12×8 tiles) against the portable 6×16 chains
    [InlineData(false, false, 29, 36, 70)]
    [InlineData(true, false, 100, 790, 64)]   // B read in place against the portable path's packed panels
    public void PortablePathEqualsAvx2Bits(bool ta, bool tb, int M, int N, int K)
    {
        if (Gemm.DefaultPath != GemmPath.Avx2) return;
        Assert.Equal(Run(ta, tb, M, N, K, 1, GemmPath.Avx2), Run(ta, tb, M, N, K, 1, GemmPath.Portable));
    }

    // ---- helpers ----

    private static float[] Random(Random rng, int n)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    internal static float[] Run(bool ta, bool tb, int M, int N, int K, int threads, GemmPath path)
    {
        var rng = new Random(M * 1_000_003 + N * 1009 + K);
        float[] a = Random(rng, M * K), b = Random(rng, K * N), c = new float[M * N];
        Gemm.Sgemm(ta, tb, M, N, K, 1f, a, ta ? M : K, b, tb ? K : N, 0f, c, N, threads, path);
        return c;
    }

    /// <summary>Runs one case through <see cref="Gemm"/> and <see cref="GemmReference"/> and compares with the error bound.</summary>
    internal static void Check(bool ta, bool tb, int M, int N, int K, float alpha = 1f, float beta = 0f,
        int padA = 0, int padB = 0, int padC = 0, int threads = 1, GemmPath? path = null)
    {
        var rng = new Random(HashCode.Combine(ta, tb, M, N, K, padA, padB, padC));
        int rowsA = ta ? K : M, lda = (ta ? M : K) + padA;
        int rowsB = tb ? N : K, ldb = (tb ? K : N) + padB;
        int ldc = N + padC;
        float[] a = Random(rng, rowsA * lda), b = Random(rng, rowsB * ldb), c0 = Random(rng, M * ldc);
        if (beta == 0f) Array.Fill(c0, float.NaN);
        float[] c = (float[])c0.Clone(), expected = (float[])c0.Clone();

        Gemm.Sgemm(ta, tb, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc, threads, path ?? Gemm.DefaultPath);
        GemmReference.Sgemm(ta, tb, M, N, K, alpha, a, lda, b, ldb, beta, expected, ldc);

        // |op(A)|·|op(B)| for the bound, by the reference kernel on absolute values.
        float[] absAB = new float[M * ldc];
        GemmReference.Sgemm(ta, tb, M, N, K, 1f, a.Select(Math.Abs).ToArray(), lda,
            b.Select(Math.Abs).ToArray(), ldb, 0f, absAB, ldc);
        double eps = Math.Pow(2, -23), growth = (2 * Math.Sqrt(K) + 4) * eps;
        for (int i = 0; i < M; i++)
            for (int j = 0; j < ldc; j++)
            {
                int at = i * ldc + j;
                if (j >= N)
                {
                    Assert.Equal(c0[at], c[at]); // padding between rows is never written
                    continue;
                }
                double scale = Math.Abs(alpha) * absAB[at] + (beta == 0f ? 0 : Math.Abs(beta * c0[at]));
                double err = Math.Abs((double)c[at] - expected[at]);
                Assert.True(err <= growth * scale + float.Epsilon,
                    $"{(ta ? "Aᵀ" : "A")}·{(tb ? "Bᵀ" : "B")} M={M} N={N} K={K}: C[{i},{j}] = {c[at]}, reference {expected[at]}, error {err:E2} > bound {growth * scale:E2}");
            }
    }
}
