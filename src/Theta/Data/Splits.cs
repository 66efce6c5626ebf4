namespace Theta.Data;

/// <summary>Seeded, stratified splits: each class is shuffled on its own and divided in the same proportion.</summary>
public static class Splits
{
    /// <summary>
    /// Splits row indices into train and test with about <paramref name="testFraction"/> of every class in test.
    /// The same seed gives the same split.
    /// </summary>
    public static (int[] Train, int[] Test) TrainTest(int[] labels, double testFraction, Rng rng)
    {
        if (!(testFraction > 0 && testFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "TrainTest: the test fraction must be in (0, 1)");
        var train = new List<int>(); var test = new List<int>();
        foreach (var rows in ByClass(labels, rng))
        {
            int nTest = (int)Math.Round(rows.Length * testFraction);
            test.AddRange(rows[..nTest]);
            train.AddRange(rows[nTest..]);
        }
        train.Sort(); test.Sort();
        return (train.ToArray(), test.ToArray());
    }

    /// <summary>
    /// k stratified folds: returns, for each fold, (train rows, validation rows). Each class's rows
    /// are shuffled and dealt round-robin, so fold sizes differ by at most one per class.
    /// </summary>
    public static (int[] Train, int[] Validation)[] KFold(int[] labels, int k, Rng rng)
    {
        if (k < 2) throw new ArgumentOutOfRangeException(nameof(k), k, "KFold: k must be at least 2");
        if (labels.Length < k) throw new ArgumentException($"KFold: {labels.Length} rows cannot make {k} folds");
        var fold = new int[labels.Length];
        int next = 0;
        foreach (var rows in ByClass(labels, rng))
            foreach (int r in rows) fold[r] = next++ % k; // continue the deal across classes: folds stay balanced
        return Enumerable.Range(0, k).Select(f =>
            (Enumerable.Range(0, labels.Length).Where(r => fold[r] != f).ToArray(),
             Enumerable.Range(0, labels.Length).Where(r => fold[r] == f).ToArray())).ToArray();
    }

    private static IEnumerable<int[]> ByClass(int[] labels, Rng rng)
    {
        foreach (var g in labels.Select((l, i) => (l, i)).GroupBy(p => p.l).OrderBy(g => g.Key))
        {
            var rows = g.Select(p => p.i).ToArray();
            rng.Shuffle<int>(rows);
            yield return rows;
        }
    }
}
