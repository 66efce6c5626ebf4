using Theta.Nn;

namespace Theta.Tests.Nn;

public sealed class SummaryTests
{
    [Fact]
    public void MlpSummaryListsShapesAndCounts()
    {
        var rng = new Rng(1);
        var net = new Sequential(new Linear(40, 20, rng), new Sigmoid(), new Linear(20, 1, rng), new Sigmoid());
        var s = net.Summary(5, 40);
        Assert.Equal(["0", "1", "2", "3"], s.Rows.Select(r => r.Name));
        Assert.Equal(["Linear", "Sigmoid", "Linear", "Sigmoid"], s.Rows.Select(r => r.Type));
        Assert.Equal(["[5, 20]", "[5, 20]", "[5, 1]", "[5, 1]"], s.Rows.Select(r => r.OutputShape.ToString()));
        Assert.Equal([820, 0, 21, 0], s.Rows.Select(r => r.Parameters));
        Assert.Equal(841, s.TotalParameters);
    }

    [Fact]
    public void CnnSummaryFollowsTheConvArithmetic()
    {
        var rng = new Rng(2);
        var net = new Sequential(
            new Conv2d(1, 6, 5, rng, padding: 2), new ReLU(), new MaxPool2d(2), // 28 → 28 → 14
            new Conv2d(6, 16, 5, rng), new ReLU(), new MaxPool2d(2),            // 14 → 10 → 5
            new Flatten(), new Dropout(0.5f, rng), new Linear(16 * 5 * 5, 10, rng), new Softmax());
        var s = net.Summary(2, 1, 28, 28);
        Assert.Equal(
            ["[2, 6, 28, 28]", "[2, 6, 28, 28]", "[2, 6, 14, 14]", "[2, 16, 10, 10]", "[2, 16, 10, 10]", "[2, 16, 5, 5]",
             "[2, 400]", "[2, 400]", "[2, 10]", "[2, 10]"],
            s.Rows.Select(r => r.OutputShape.ToString()));
        Assert.Equal(6 * 25 + 6 + 16 * 6 * 25 + 16 + 400 * 10 + 10, s.TotalParameters);
        Assert.True(net.Training); // the mode is restored
        Assert.All(net.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void TableIsAligned()
    {
        var rng = new Rng(3);
        var text = new Sequential(new Linear(40, 20, rng, bias: false), new Sigmoid(), new Linear(20, 1, rng, bias: false), new Sigmoid())
            .Summary(1, 40).ToString();
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Layer", lines[0]);
        Assert.Contains("Output shape", lines[0]);
        var rows = lines.Where(l => char.IsDigit(l[0])).ToList();
        Assert.Equal(4, rows.Count);
        Assert.Single(rows.Select(r => r.Length).Distinct()); // right-aligned counts end in the same column
        Assert.Contains("Linear", rows[0]);
        Assert.EndsWith("800", rows[0]);
        Assert.Contains("total parameters: 820", text);
    }
}
