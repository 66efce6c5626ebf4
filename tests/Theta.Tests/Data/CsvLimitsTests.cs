using Theta.Data;

namespace Theta.Tests.Data;

/// <summary>Each CSV limit refuses as the file is read, naming file:line and the option; the defaults leave the course's data alone.</summary>
public sealed class CsvLimitsTests
{
    private static readonly CsvLimits Small = new(MaxLineChars: 64, MaxHeaderChars: 32, MaxCellChars: 8, MaxColumns: 5, MaxFileMegabytes: 1);

    [Theory]
    [InlineData("a,b,y\n1,2,0\n1,2," + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", "d.csv:3: a line longer than 64 characters", "--max-line-chars")]
    [InlineData("aaaaaaaaaa,bbbbbbbbbb,cccccccccc,y\n1,2,3,0\n", "d.csv:1: the header has 34 characters; at most 32", "--max-header-chars")]
    [InlineData("a,b,y\n1,2,123456789\n", "d.csv:2:3: a cell of 9 characters", "--max-cell-chars")]
    [InlineData("a,b,c,d,e,y\n1,2,3,4,5,0\n", "d.csv:1: more than 5 columns", "--max-columns")]
    [InlineData("a,b,y\n1,\0,0\n", "d.csv:2: holds a NUL character", "binary file")]
    public void EachLimitIsOneNamedLine(string text, string expected, string option)
    {
        var e = Assert.Throws<DataException>(() => CsvReader.Parse(text, "d.csv", new CsvOptions(Limits: Small)));
        Assert.StartsWith(expected, e.Message);
        Assert.Contains(option, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void MoreTextThanTheLimitIsRefusedBeforeItIsAllRead()
    {
        // 2 MiB of valid rows against a 1 MiB limit: refused at the chunk that passes it, naming the line reached.
        var rows = new System.Text.StringBuilder("a,b,y\n");
        while (rows.Length < 2 << 20) rows.Append("1,2,0\n1,3,1\n");
        var e = Assert.Throws<DataException>(() => CsvReader.Parse(rows.ToString(), "big.csv", new CsvOptions(Limits: Small with { MaxLineChars = 64 })));
        Assert.Contains("more than 1 MiB of text", e.Message);
        Assert.Contains("--max-csv-mb", e.Message);
    }

    [Fact]
    public void ControlCharactersAndLongValuesAreQuotedShort()
    {
        var e = Assert.Throws<DataException>(() => CsvReader.Parse("a,b,y\n1,\u001b[31m" + new string('9', 200) + "x,0\n", "d.csv", new CsvOptions()));
        Assert.Contains("\\x1b[31m999", e.Message);
        Assert.Contains("… (206 characters)", e.Message);
        Assert.True(e.Message.Length < 300, e.Message);
    }

    [Theory]
    [InlineData("heart-train.csv")]
    [InlineData("netflix-train.csv")]
    [InlineData("ancestry-train.csv")]
    public void TheDefaultsReadTheCourseData(string file) =>
        Assert.True(CsvReader.Read(TestData.Cs109(file)).Rows > 0);
}
