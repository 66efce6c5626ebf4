namespace Theta.Data;

/// <summary>One MNIST split: images [N, 1, 28, 28] scaled to [0, 1] (NCHW, ready for a CNN; Flatten for an MLP) and labels 0–9.</summary>
public sealed record MnistSplit(Tensor Images, int[] Labels)
{
    public int Count => Labels.Length;

    /// <summary>The first <paramref name="n"/> examples (for quick runs and tests).</summary>
    public MnistSplit Take(int n)
    {
        if (n >= Count) return this;
        var idx = Enumerable.Range(0, n).ToArray();
        using var _ = Autograd.NoGrad();
        return new MnistSplit(Images.SelectRows(idx), Labels[..n]);
    }
}

/// <summary>
/// The MNIST handwritten digits (LeCun, Cortes, Burges) from the four IDX files, gzipped or not:
/// train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte.
/// </summary>
public static class Mnist
{
    /// <summary>The four files, with their SHA-256 (gzipped, as published; see the README).</summary>
    public static readonly IReadOnlyList<(string File, string Sha256)> Files =
    [
        ("train-images-idx3-ubyte.gz", "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
        ("train-labels-idx1-ubyte.gz", "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
        ("t10k-images-idx3-ubyte.gz", "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
        ("t10k-labels-idx1-ubyte.gz", "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
    ];

    /// <summary>Loads the training and test splits from <paramref name="dir"/>.</summary>
    public static (MnistSplit Train, MnistSplit Test) Load(string dir) => (LoadSplit(dir, "train"), LoadSplit(dir, "t10k"));

    /// <summary>Loads one split ("train" or "t10k"); each file may be gzipped (.gz) or not.</summary>
    public static MnistSplit LoadSplit(string dir, string prefix)
    {
        if (!Directory.Exists(dir)) throw new DataException(dir, null, null, "no such folder; expected the four MNIST IDX files (get them with: theta data mnist --out DIR)");
        string images = Find(dir, $"{prefix}-images-idx3-ubyte"), labels = Find(dir, $"{prefix}-labels-idx1-ubyte");
        var (idims, ibytes) = Idx.Read(images, Idx.ImagesMagic);
        var (ldims, lbytes) = Idx.Read(labels, Idx.LabelsMagic);
        if (idims.Length != 3) throw new DataException(images, null, null, $"{idims.Length} dimensions; expected 3 (count, rows, cols)");
        if (ldims.Length != 1) throw new DataException(labels, null, null, $"{ldims.Length} dimensions; expected 1 (count)");
        if (idims[0] != ldims[0])
            throw new DataException(labels, null, null, $"{ldims[0]} labels for {idims[0]} images in {Path.GetFileName(images)}; expected one label per image");
        int n = idims[0], h = idims[1], w = idims[2];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            if (lbytes[i] > 9) throw new DataException(labels, null, null, $"label {lbytes[i]} at index {i}; expected a digit 0–9");
            y[i] = lbytes[i];
        }
        var x = new float[ibytes.Length];
        for (int i = 0; i < x.Length; i++) x[i] = ibytes[i] * (1f / 255f);
        return new MnistSplit(Tensor.FromArray(x, n, 1, h, w), y);
    }

    private static string Find(string dir, string stem)
    {
        foreach (var name in new[] { stem + ".gz", stem })
        {
            var p = Path.Combine(dir, name);
            if (File.Exists(p)) return p;
        }
        throw new DataException(dir, null, null, $"{stem}(.gz) is missing; expected the four MNIST IDX files (get them with: theta data mnist --out DIR)");
    }
}
