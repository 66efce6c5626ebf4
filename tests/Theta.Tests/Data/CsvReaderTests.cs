using Theta.Data;

namespace Theta.Tests.Data;

public sealed class CsvReaderTests
{
    private static Dataset Parse(string text, CsvOptions? o = null, IReadOnlyList<string>? classes = null, IReadOnlyList<string>? features = null)
        => CsvReader.Parse(text, "d.csv", o ?? new CsvOptions(), classes, features);

    [Theory]
    [InlineData("a,b,y\n1,0,1\n0,1,0\n")]
    [InlineData("a;b;y\r\n1;0;1\r\n0;1;0\r\n")]
    [InlineData("a\tb\ty\n1\t0\t1\n\n0\t1\t0")]
    public void SeparatorsAndLineEndsAreDetected(string text)
    {
        var d = Parse(text);
        Assert.Equal(["a", "b"], d.FeatureNames);
        Assert.Equal(new[] { 1f, 0f, 0f, 1f }, d.Features.ToArray());
        Assert.Equal(new[] { 1, 0 }, d.Labels);
        Assert.Equal(["0", "1"], d.Classes);
    }

    [Fact]
    public void LabelDropAndGroupColumnsByNameOrIndex()
    {
        var text = "y,a,Demographic,b,c\ncat,1,g1,2.5,3\ndog,4,g2,5,6\ncat,7,g1,8,9\n";
        var d = Parse(text, new CsvOptions(Label: "y", Drop: ["5"], Group: "Demographic"));
        Assert.Equal(["a", "b"], d.FeatureNames);
        Assert.Equal(new[] { 1f, 2.5f, 4f, 5f, 7f, 8f }, d.Features.ToArray());
        Assert.Equal(["cat", "dog"], d.Classes);
        Assert.Equal(new[] { 0, 1, 0 }, d.Labels);
        Assert.Equal(["g1", "g2", "g1"], d.Groups!);
        var noHeader = Parse("1,2,0\n3,4,1\n", new CsvOptions(HasHeader: false));
        Assert.Equal(["col1", "col2"], noHeader.FeatureNames);
        Assert.Equal(2, noHeader.Rows);
    }

    [Theory]
    [InlineData("", "d.csv: the file is empty")]
    [InlineData("a,b,y\n", "d.csv:1: there is a header but no data rows")]
    [InlineData("a,b,y\n1,0,1\n1,0\n", "d.csv:3: found 2 fields; expected 3")]
    [InlineData("a,b,y\n1,0,1\n1,x,0\n", "d.csv:3:2: \"x\" is not a finite number; expected a numeric value for feature \"b\"")]
    [InlineData("a,b,y\n1,0,1\n1,NaN,0\n", "d.csv:3:2:")]
    [InlineData("a,b,y\n1,0,\n", "d.csv:2:3: the label (column \"y\") is empty")]
    public void BadInputNamesFileLineAndColumn(string text, string expected)
    {
        var e = Assert.Throws<DataException>(() => Parse(text));
        Assert.StartsWith(expected, e.Message);
    }

    [Fact]
    public void MissingColumnsAndForeignLabelsAreClearErrors()
    {
        var e = Assert.Throws<DataException>(() => Parse("a,b,y\n1,0,1\n", new CsvOptions(Label: "Label")));
        Assert.Contains("there is no label column \"Label\"", e.Message);
        Assert.Contains("\"a\", \"b\", \"y\"", e.Message);
        e = Assert.Throws<DataException>(() => Parse("a,b,y\n1,0,1\n0,0,2\n", classes: ["0", "1"]));
        Assert.StartsWith("d.csv:3:3: label \"2\" is not one of the expected classes {0, 1}", e.Message);
        e = Assert.Throws<DataException>(() => Parse("a,c,y\n1,0,1\n", features: ["a", "b"]));
        Assert.StartsWith("d.csv:1: feature column 2 is \"c\"; the model was trained with \"b\" there", e.Message);
        e = Assert.Throws<DataException>(() => Parse("a,y\n1,1\n", features: ["a", "b"]));
        Assert.Contains("has 1 feature columns; the model was trained on 2", e.Message);
    }

    [Fact]
    public void NumericLabelAliasesMatch()
    {
        var d = Parse("a,y\n1,1.0\n0,0\n", classes: ["0", "1"]);
        Assert.Equal(new[] { 1, 0 }, d.Labels);
    }

    [Fact]
    public void StratifiedSplitsAreSeededAndKeepProportions()
    {
        var labels = Enumerable.Range(0, 100).Select(i => i < 30 ? 1 : 0).ToArray();
        var (train, test) = Splits.TrainTest(labels, 0.2, new Rng(1));
        Assert.Equal(20, test.Length);
        Assert.Equal(6, test.Count(i => labels[i] == 1));
        Assert.Empty(train.Intersect(test));
        Assert.Equal(test, Splits.TrainTest(labels, 0.2, new Rng(1)).Test);
        Assert.NotEqual(test, Splits.TrainTest(labels, 0.2, new Rng(2)).Test);

        var folds = Splits.KFold(labels, 5, new Rng(3));
        Assert.Equal(5, folds.Length);
        Assert.All(folds, f => Assert.Equal(20, f.Validation.Length));
        Assert.All(folds, f => Assert.Equal(6, f.Validation.Count(i => labels[i] == 1)));
        Assert.Equal(Enumerable.Range(0, 100), folds.SelectMany(f => f.Validation).Order());
    }

    [Fact]
    public void StandardizerIsFittedOnTrainingDataOnly()
    {
        var train = Tensor.FromArray([1f, 10f, 3f, 10f], 2, 2);
        var s = Standardizer.Fit(train);
        Assert.Equal(new[] { 2f, 10f }, s.Mean);
        Assert.Equal(new[] { 1f, 1f }, s.Std); // the constant column keeps σ = 1
        Assert.Equal(new[] { 3f, 5f }, s.Transform(Tensor.FromArray([5f, 15f], 1, 2)).ToArray());
    }
}
