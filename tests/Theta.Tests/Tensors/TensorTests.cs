namespace Theta.Tests.Tensors;

public sealed class TensorTests
{
    [Fact]
    public void ShapeHasValueEqualityAndPrintsLikeAList()
    {
        Assert.Equal(new Shape(2, 3), new Shape(2, 3));
        Assert.NotEqual(new Shape(2, 3), new Shape(3, 2));
        Assert.Equal(new Shape(2, 3).GetHashCode(), new Shape(2, 3).GetHashCode());
        Assert.Equal("[2, 3]", new Shape(2, 3).ToString());
        Assert.Equal("[]", new Shape().ToString());
        Assert.Equal(1, new Shape().Size);
        Assert.Equal(24, new Shape(2, 3, 4).Size);
    }

    [Theory]
    [InlineData(new[] { 2, 0 }, "dimension 1 is 0")]
    [InlineData(new[] { -1 }, "dimension 0 is -1")]
    public void ShapeRejectsNonPositiveDims(int[] dims, string expected)
    {
        var e = Assert.Throws<ShapeException>(() => new Shape(dims));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void CreationFromArraysAndFills()
    {
        var t = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        Assert.Equal(new Shape(2, 3), t.Shape);
        Assert.Equal(6f, t[1, 2]);
        Assert.Equal(new float[6], Tensor.Zeros(2, 3).ToArray());
        Assert.All(Tensor.Ones(4).ToArray(), v => Assert.Equal(1f, v));
        Assert.All(Tensor.Full(7f, 2, 2).ToArray(), v => Assert.Equal(7f, v));
        Assert.Equal(2f, Tensor.FromArray(new float[,] { { 1, 2 }, { 3, 4 } })[0, 1]);
        Assert.Throws<ShapeException>(() => Tensor.FromArray([1f, 2f, 3f], 2, 2));
        var src = new float[] { 1, 2 };
        var copy = Tensor.FromArray(src, 2);
        src[0] = 9;
        Assert.Equal(1f, copy[0]); // a copy, not a view of the caller's array
    }

    [Fact]
    public void SeededRandomTensorsAreReproducibleAndInRange()
    {
        var a = Tensor.Uniform(new Rng(42), -1f, 3f, 1000);
        var b = Tensor.Uniform(new Rng(42), -1f, 3f, 1000);
        Assert.Equal(a.ToArray(), b.ToArray());
        Assert.All(a.ToArray(), v => Assert.InRange(v, -1f, 3f));
        Assert.NotEqual(a.ToArray(), Tensor.Uniform(new Rng(43), -1f, 3f, 1000).ToArray());

        var n = Tensor.Normal(new Rng(7), 2f, 0.5f, 20000).ToArray();
        double mean = n.Average(), sd = Math.Sqrt(n.Select(v => (v - mean) * (v - mean)).Average());
        Assert.InRange(mean, 1.98, 2.02);
        Assert.InRange(sd, 0.49, 0.51);
        Assert.Equal(n, Tensor.Normal(new Rng(7), 2f, 0.5f, 20000).ToArray());
    }

    [Fact]
    public void RngPermutationIsAPermutationAndNextIntIsUnbiased()
    {
        var p = new Rng(1).Permutation(100);
        Assert.Equal(Enumerable.Range(0, 100), p.Order());
        var counts = new int[3];
        var r = new Rng(5);
        for (int i = 0; i < 30000; i++) counts[r.NextInt(3)]++;
        Assert.All(counts, c => Assert.InRange(c, 9700, 10300));
    }

    [Fact]
    public void ToStringShowsShapeAndAPreview()
    {
        Assert.Equal("Tensor [2, 3] [[1, 2, 3], [4, 5, 6]]", Tensor.FromArray([1f, 2, 3, 4, 5, 6], 2, 3).ToString());
        var big = Tensor.FromArray(Enumerable.Range(0, 10).Select(i => (float)i).ToArray());
        Assert.Equal("Tensor [10] [0, 1, 2, …, 7, 8, 9]", big.ToString());
        Assert.Equal("Tensor [] 2.5", Tensor.Scalar(2.5f).ToString());
        var w = Tensor.Ones(2).RequireGrad();
        Assert.Contains("grad_fn=mul", (w * w).ToString());
    }

    [Fact]
    public void SelectRowsPicksAMiniBatch()
    {
        var x = Tensor.FromArray([0f, 1, 10, 11, 20, 21], 3, 2);
        Assert.Equal(new[] { 20f, 21, 0, 1, 20, 21 }, x.SelectRows([2, 0, 2]).ToArray());
        Assert.Throws<IndexOutOfRangeException>(() => x.SelectRows([3]));
    }

    [Fact]
    public void BroadcastingFollowsNumPy()
    {
        var col = Tensor.FromArray([1f, 2, 3], 3, 1);
        var row = Tensor.FromArray([10f, 20], 2);
        var s = col + row; // [3,1] + [2] -> [3,2]
        Assert.Equal(new Shape(3, 2), s.Shape);
        Assert.Equal(new[] { 11f, 21, 12, 22, 13, 23 }, s.ToArray());
        Assert.Equal(new[] { 2f, 4, 6 }, (col * 2f).ToArray());
        Assert.Equal(new[] { 9f, 19, 8, 18, 7, 17 }, (row - col).ToArray());
    }

    [Fact]
    public void ReductionsMatchHandValues()
    {
        var x = Tensor.FromArray([1f, 5, 3, 4, 2, 6], 2, 3);
        Assert.Equal(21f, x.Sum().Item());
        Assert.Equal(new[] { 5f, 7, 9 }, x.Sum(0).ToArray());
        Assert.Equal(new Shape(2, 1), x.Sum(1, keepDim: true).Shape);
        Assert.Equal(new[] { 3f, 4 }, x.Mean(1).ToArray());
        Assert.Equal(new[] { 5f, 6 }, x.Max(1).ToArray());
        Assert.Equal(new[] { 4f, 5, 6 }, x.Max(0).ToArray());
        Assert.Equal(6f, x.Max().Item());
    }

    [Fact]
    public void ReshapeIsAViewAndMovementOpsMoveElements()
    {
        var x = Tensor.FromArray([1f, 2, 3, 4, 5, 6], 2, 3);
        var r = x.Reshape(3, -1);
        Assert.Equal(new Shape(3, 2), r.Shape);
        x.Data[0] = 100;
        Assert.Equal(100f, r[0, 0]);
        Assert.Equal(new[] { 100f, 4, 2, 5, 3, 6 }, x.Transpose().ToArray());
        Assert.Equal(new Shape(2, 12), Tensor.Zeros(2, 3, 2, 2).Flatten().Shape);
        var c = Tensor.Concat([Tensor.Ones(2, 1), Tensor.Zeros(2, 2)], 1);
        Assert.Equal(new[] { 1f, 0, 0, 1, 0, 0 }, c.ToArray());
        Assert.Equal(new[] { 2f, 3, 5, 6 }, Tensor.FromArray([1f, 2, 3, 4, 5, 6], 2, 3).Narrow(1, 1, 2).ToArray()); // concat's inverse
        Assert.Equal(new[] { 4f, 5, 6 }, Tensor.FromArray([1f, 2, 3, 4, 5, 6], 2, 3).Narrow(0, 1, 1).ToArray());
    }

    [Fact]
    public void SoftmaxRowsSumToOne()
    {
        var p = Tensor.FromArray([1f, 2, 3, -1, 0, 1], 2, 3).Softmax();
        Assert.Equal(1.0, p.ToArray()[..3].Sum(), 5);
        Assert.Equal(0.66524, p[0, 2], 4); // e^2 / (1 + e + e^2)
    }

    [Fact]
    public void DropoutIsSeededScaledAndIdentityInEval()
    {
        var x = Tensor.Ones(1000);
        var a = x.Dropout(0.25f, new Rng(3)).ToArray();
        Assert.Equal(a, x.Dropout(0.25f, new Rng(3)).ToArray());
        Assert.All(a, v => Assert.True(v == 0f || Math.Abs(v - 4f / 3f) < 1e-6));
        Assert.InRange(a.Count(v => v == 0f), 200, 300);
        Assert.Same(x, x.Dropout(0.25f, new Rng(3), training: false));
    }
}
