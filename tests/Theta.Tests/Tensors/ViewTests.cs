namespace Theta.Tests.Tensors;

/// <summary><see cref="Tensor.View"/>: a tensor over a slice of the caller's array, with no copy.</summary>
public sealed class ViewTests
{
    private static float[] Counting(int n) => [.. Enumerable.Range(0, n).Select(i => (float)i)];

    [Fact]
    public void AViewSharesTheArraysElementsFromItsOffset()
    {
        var a = Counting(20);
        var v = Tensor.View(a, 7, 2, 3);
        Assert.Equal(new Shape(2, 3), v.Shape);
        Assert.Equal([7f, 8f, 9f, 10f, 11f, 12f], v.ToArray());
        Assert.Equal(11f, v[1, 1]);
        v[0, 2] = -1f;                  // writes through to the array
        Assert.Equal(-1f, a[9]);
        a[12] = 100f;                   // and back
        Assert.Equal(100f, v[1, 2]);
        Assert.Equal(7f, Tensor.View(a, 7, 1).Item());
        Assert.StartsWith("Tensor [2, 3] [[7, 8, -1], [10, 11, 100]]", v.ToString());
        var r = v.Reshape(3, 2);        // reshape keeps the offset
        Assert.Equal(-1f, r[1, 0]);
        Assert.Equal([7f, 8f, -1f, 10f, 11f, 100f], r.ToArray());
    }

    [Fact]
    public void OpsOnAViewEqualOpsOnACopy()
    {
        var rng = new Rng(3);
        var data = new float[5 * 8];
        for (int i = 0; i < data.Length; i++) data[i] = rng.NextFloat() - 0.5f;
        var w = Tensor.Normal(new Rng(4), 0f, 1f, 4, 8).RequireGrad();
        var fromView = Tensor.View(data, 8, 3, 8).Linear(w).Sigmoid().Sum();
        fromView.Backward();
        var gView = w.Grad!.ToArray();
        w.ZeroGrad();
        var fromCopy = Tensor.FromArray(data[8..32], 3, 8).Linear(w).Sigmoid().Sum();
        fromCopy.Backward();
        Assert.Equal(fromCopy.Item(), fromView.Item());
        Assert.Equal(w.Grad!.ToArray(), gView);
    }

    [Theory]
    [InlineData(-1, "from element -1")]
    [InlineData(15, "from element 15 does not fit in an array of 20 elements")]
    [InlineData(21, "from element 21")]
    public void AViewPastTheArrayIsRefused(int offset, string expected)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.View(Counting(20), offset, 2, 3));
        Assert.Contains(expected, e.Message);
        Assert.Contains("[2, 3] (6 elements)", e.Message);
    }
}
