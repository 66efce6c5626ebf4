using Theta.Kernels;

namespace Theta.Tests.Kernels;

/// <summary>The vectorised elementwise kernels and the broadcasting loops against naive per-element references.</summary>
public sealed class ElementwiseKernelTests
{
    private static float[] Random(Rng r, int n) => Enumerable.Range(0, n).Select(_ => r.NextFloat() * 4 - 2).ToArray();

    [Theory] // wide: the Vector512 bodies of the avx512 path (in software where the CPU lacks AVX-512), else Vector<float>
    [InlineData(false)]
    [InlineData(true)]
    public void ActivationKernelsMatchTheFormulaOnEverySizeUpTo67(bool wide)
    {
        var r = new Rng(21);
        for (int n = 1; n <= 67; n++)
        {
            float[] x = Random(r, n), g = Random(r, n), dx0 = Random(r, n);
            var y = new float[n];
            Theta.Kernels.ActivationKernels.LeakyRelu(x, 0.2f, y, wide);
            for (int i = 0; i < n; i++) Assert.Equal(x[i] > 0 ? x[i] : 0.2f * x[i], y[i]);

            var dx = (float[])dx0.Clone();
            Theta.Kernels.ActivationKernels.LeakyReluBackward(x, 0.2f, g, dx, wide);
            for (int i = 0; i < n; i++) Assert.Equal(dx0[i] + (x[i] > 0 ? g[i] : 0.2f * g[i]), dx[i]);

            dx = (float[])dx0.Clone();
            Theta.Kernels.ActivationKernels.ReluBackward(x, g, dx, fresh: false, wide);
            for (int i = 0; i < n; i++) Assert.Equal(dx0[i] + (x[i] > 0 ? g[i] : 0f), dx[i]);

            dx = Enumerable.Repeat(float.NaN, n).ToArray();   // fresh: garbage overwritten
            Theta.Kernels.ActivationKernels.ReluBackward(x, g, dx, fresh: true, wide);
            for (int i = 0; i < n; i++) Assert.Equal(x[i] > 0 ? g[i] : 0f, dx[i]);
        }
    }

    /// <summary>
    /// Softmax backward on lanes of 1..67 and 300 (past the stack temporary): the plain one bit for bit against the
    /// scalar formula dx + y·(g − dot) (two roundings, as the kernel's passes; a fused multiply-add would differ), the
    /// log one against the formula in double (its e^y is TensorPrimitives' vector exp, within an ulp of MathF.Exp).
    /// </summary>
    [Fact]
    public void SoftmaxBackwardMatchesTheFormula()
    {
        var r = new Rng(23);
        foreach (int n in Enumerable.Range(1, 67).Append(300))
        {
            float[] x = Random(r, n), g = Random(r, n), dx0 = Random(r, n), y = new float[n], dx;
            Theta.Kernels.SoftmaxKernels.Forward(x, y, log: false);
            float dot = System.Numerics.Tensors.TensorPrimitives.Dot(g, y);
            Theta.Kernels.SoftmaxKernels.Backward(y, g, dx = (float[])dx0.Clone(), log: false);
            for (int i = 0; i < n; i++) Assert.Equal(dx0[i] + y[i] * (g[i] - dot), dx[i]);

            Theta.Kernels.SoftmaxKernels.Forward(x, y, log: true);
            double sg = g.Sum(v => (double)v);
            Theta.Kernels.SoftmaxKernels.Backward(y, g, dx = (float[])dx0.Clone(), log: true);
            for (int i = 0; i < n; i++)
            {
                double e = Math.Exp(y[i]), expected = dx0[i] + (g[i] - e * sg);
                double bound = 1e-6 * (Math.Abs(dx0[i]) + Math.Abs(g[i]) + e * Math.Abs(sg) + g.Sum(v => Math.Abs(v)) * e);
                Assert.True(Math.Abs(dx[i] - expected) <= bound, $"n = {n}, i = {i}: {dx[i]} against {expected}");
            }
        }
    }

    /// <summary>Past one block the ReLU kernels run blocks in parallel: same values, last block short.</summary>
    [Fact]
    public void ReluKernelsOverSeveralBlocks()
    {
        var r = new Rng(22);
        int n = 3 * Theta.Kernels.Chunks.Block + 77;
        float[] x = Random(r, n), g = Random(r, n), dx0 = Random(r, n);
        var y = new float[n];
        Theta.Kernels.ActivationKernels.Relu(x, y);
        var dx = (float[])dx0.Clone();
        Theta.Kernels.ActivationKernels.ReluBackward(x, g, dx);
        var fresh = Enumerable.Repeat(float.NaN, n).ToArray();
        Theta.Kernels.ActivationKernels.ReluBackward(x, g, fresh, fresh: true);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(MathF.Max(x[i], 0f), y[i]);
            Assert.Equal(dx0[i] + (x[i] > 0 ? g[i] : 0f), dx[i]);
            Assert.Equal(x[i] > 0 ? g[i] : 0f, fresh[i]);
        }
    }

    [Fact]
    public void IndexOfNonBinaryFindsTheFirstOffender()
    {
        for (int n = 1; n <= 67; n++)
        {
            var x = Enumerable.Range(0, n).Select(i => (float)(i % 2)).ToArray();
            Assert.Equal(-1, Theta.Kernels.ActivationKernels.IndexOfNonBinary(x));
            for (int at = 0; at < n; at += 7)
            {
                var y = (float[])x.Clone();
                y[at] = at % 3 == 0 ? 0.5f : -1f;
                if (at + 3 < n) y[at + 3] = 2f; // a later offender must not win
                Assert.Equal(at, Theta.Kernels.ActivationKernels.IndexOfNonBinary(y));
            }
        }
    }

    // Naive broadcasting: for each output multi-index, read each input at the index clamped to 0 where its dim is 1.
    private static int Offset(int[] outIdx, Shape s)
    {
        int off = 0, shift = outIdx.Length - s.Rank;
        for (int d = 0; d < s.Rank; d++) off = off * s.Dims[d] + (s.Dims[d] == 1 ? 0 : outIdx[d + shift]);
        return off;
    }

    private static IEnumerable<int[]> Indices(Shape s)
    {
        var idx = new int[s.Rank];
        for (int k = 0; k < s.Size; k++)
        {
            int rem = k;
            for (int d = s.Rank - 1; d >= 0; d--) { idx[d] = rem % s.Dims[d]; rem /= s.Dims[d]; }
            yield return idx;
        }
    }

    // Random pairs of broadcast-compatible shapes of rank 0..4 with dims 1..5.
    private static (Shape A, Shape B) RandomPair(Rng r)
    {
        int rank = r.NextInt(5);
        var a = new List<int>(); var b = new List<int>();
        for (int d = 0; d < rank; d++)
        {
            int n = 1 + r.NextInt(5);
            switch (r.NextInt(3))
            {
                case 0: a.Add(n); b.Add(n); break;
                case 1: a.Add(1); b.Add(n); break;
                default: a.Add(n); b.Add(1); break;
            }
        }
        int dropA = r.NextInt(rank + 1) == 0 ? r.NextInt(rank + 1) : 0; // leading dims missing on one side
        return r.NextInt(2) == 0 ? (new Shape(a.Skip(dropA).ToArray()), new Shape(b.ToArray())) : (new Shape(a.ToArray()), new Shape(b.Skip(dropA).ToArray()));
    }

    [Fact]
    public void BroadcastBinaryAndReduceMatchTheNaiveIndexLoop()
    {
        var r = new Rng(77);
        for (int trial = 0; trial < 300; trial++)
        {
            var (sa, sb) = RandomPair(r);
            var zs = Broadcast.Shapes("test", sa, sb);
            float[] a = Random(r, sa.Size), b = Random(r, sb.Size), z = new float[zs.Size];
            Broadcast.Binary<SubKernel>(a, sa, b, sb, z, zs);
            int k = 0;
            foreach (var idx in Indices(zs))
            {
                Assert.True(a[Offset(idx, sa)] - b[Offset(idx, sb)] == z[k], $"{sa} - {sb} at {string.Join(",", idx)}");
                k++;
            }

            // AddReduced: dst (shape sa) += z summed over the dims where sa was broadcast.
            var dst = Random(r, sa.Size);
            var expected = dst.Select(v => (double)v).ToArray();
            k = 0;
            foreach (var idx in Indices(zs)) expected[Offset(idx, sa)] += z[k++];
            Broadcast.AddReduced(z, zs, dst, sa);
            for (int i = 0; i < dst.Length; i++)
                Assert.True(Math.Abs(expected[i] - dst[i]) <= 1e-5 * (1 + Math.Abs(expected[i])), $"reduce {zs} -> {sa} at {i}: {expected[i]} vs {dst[i]}");
        }
    }
}
