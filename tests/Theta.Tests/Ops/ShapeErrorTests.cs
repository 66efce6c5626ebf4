namespace Theta.Tests.Ops;

/// <summary>Every op rejects mismatched shapes with the one ShapeException, naming the op, both shapes and the dimension.</summary>
public sealed class ShapeErrorTests
{
    public static TheoryData<string, Func<Tensor>, string[]> Cases() => new()
    {
        { "add", () => Tensor.Zeros(2, 3) + Tensor.Zeros(4, 3), ["Add", "[2, 3]", "[4, 3]", "dimension 0"] },
        { "sub", () => Tensor.Zeros(2, 3) - Tensor.Zeros(2), ["Sub", "[2, 3]", "[2]", "dimension 1"] },
        { "mul", () => Tensor.Zeros(5) * Tensor.Zeros(3), ["Mul", "[5]", "[3]", "dimension 0"] },
        { "div", () => Tensor.Zeros(2, 1, 3) / Tensor.Zeros(2, 2), ["Div", "[2, 1, 3]", "[2, 2]", "dimension 2"] },
        { "matmul", () => Tensor.Zeros(2, 3).MatMul(Tensor.Zeros(4, 5)), ["MatMul", "[2, 3] @ [4, 5]", "inner dimensions 3 != 4", "dimension 1"] },
        { "matmul batch", () => Tensor.Zeros(2, 3, 4).MatMul(Tensor.Zeros(3, 4, 5)), ["MatMul", "[2, 3, 4]", "[3, 4, 5]", "dimension 0"] },
        { "linear", () => Tensor.Zeros(2, 3).Linear(Tensor.Zeros(4, 5)), ["Linear", "[2, 3]", "[4, 5]", "dimension 1"] },
        { "linear bias", () => Tensor.Zeros(2, 5).Linear(Tensor.Zeros(4, 5), Tensor.Zeros(3)), ["Linear", "[4, 5]", "[3]", "[4]"] },
        { "reshape", () => Tensor.Zeros(2, 3).Reshape(4, 2), ["Reshape", "[2, 3]", "[4, 2]", "6 != 8"] },
        { "concat", () => Tensor.Concat([Tensor.Zeros(2, 3), Tensor.Zeros(2, 4)], 0), ["Concat", "[2, 3]", "[2, 4]", "dimension 1"] },
        { "narrow", () => Tensor.Zeros(2, 3).Narrow(1, 2, 2), ["Narrow", "[2, 3]", "[2, 4) of axis 1", "dimension 1 is 3"] },
        { "bce", () => Loss.BinaryCrossEntropyWithLogits(Tensor.Zeros(3), Tensor.Zeros(4)), ["BinaryCrossEntropyWithLogits", "[3]", "[4]"] },
        { "squared error", () => Loss.SquaredError(Tensor.Zeros(3, 1), Tensor.Zeros(3)), ["SquaredError", "[3, 1]", "[3]"] },
        { "conv2d channels", () => Tensor.Zeros(1, 3, 8, 8).Conv2d(Tensor.Zeros(4, 2, 3, 3)), ["Conv2d", "[1, 3, 8, 8]", "[4, 2, 3, 3]", "dimension 1"] },
        { "conv2d kernel too big", () => Tensor.Zeros(1, 1, 4, 8).Conv2d(Tensor.Zeros(1, 1, 5, 5)), ["Conv2d", "[1, 1, 4, 8]", "[1, 1, 5, 5]", "5×5"] },
        { "conv2d rank", () => Tensor.Zeros(3, 8, 8).Conv2d(Tensor.Zeros(1, 3, 3, 3)), ["Conv2d", "[3, 8, 8]", "[1, 3, 3, 3]", "4-d"] },
        { "max_pool2d window", () => Tensor.Zeros(1, 1, 2, 5).MaxPool2d(3), ["MaxPool2d", "[1, 1, 2, 5]", "3×3", "dimension 2"] },
        { "cross entropy", () => Loss.CrossEntropy(Tensor.Zeros(3, 2), [0, 1]), ["CrossEntropy", "[3, 2]", "3 rows", "2 labels"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MismatchedShapesRaiseTheShapeException(string name, Func<Tensor> op, string[] expected)
    {
        var e = Assert.Throws<ShapeException>(op);
        foreach (var s in expected) Assert.True(e.Message.Contains(s), $"{name}: '{e.Message}' lacks '{s}'");
    }

    [Fact]
    public void InvalidArgumentsNameTheOpAndTheValue()
    {
        Assert.Contains("Sum: axis 2", Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(2, 3).Sum(2)).Message);
        Assert.Contains("Softmax", Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(2).Softmax(1)).Message);
        Assert.Contains("Reshape", Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).Reshape(0, 6)).Message);
        Assert.Contains("Permute", Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).Permute(0, 0)).Message);
        Assert.Contains("label 5", Assert.Throws<ArgumentOutOfRangeException>(() => Loss.CrossEntropy(Tensor.Zeros(1, 3), [5])).Message);
        Assert.Contains("Dropout", Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(2).Dropout(1f, new Rng(1))).Message);
    }
}
