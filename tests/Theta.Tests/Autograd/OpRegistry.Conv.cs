namespace Theta.Tests.Autograd;

public static partial class OpRegistry
{
    private static IEnumerable<OpCase> ConvCases() => [];
}
