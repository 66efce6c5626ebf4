namespace Theta.Tests.Autograd;

public static partial class OpRegistry
{
    private static IEnumerable<OpCase> ConvCases() =>
    [
        C("conv2d", "3×3 pad 1 [2,3,5,6]", t => t[0].Conv2d(t[1], t[2], stride: 1, padding: 1), U(2, 3, 5, 6), U(4, 3, 3, 3), U(4)),
        C("conv2d", "batch 1, 1 channel, 5×5 pad 2", t => t[0].Conv2d(t[1], t[2], stride: 1, padding: 2), U(1, 1, 7, 7), U(2, 1, 5, 5), U(2)),
        C("conv2d", "stride 2, 3×2 kernel, no bias", t => t[0].Conv2d(t[1], null, (2, 2), (0, 1)), U(2, 2, 7, 6), U(3, 2, 3, 2)),
        C("conv2d", "1×1 kernel", t => t[0].Conv2d(t[1], t[2]), U(2, 3, 4, 5), U(2, 3, 1, 1), U(2)),
        C("conv2d", "kernel = input, stride (2,3)", t => t[0].Conv2d(t[1], t[2], (2, 3), (0, 0)), U(3, 2, 4, 5), U(1, 2, 4, 5), U(1)),
        C("max_pool2d", "2×2 [2,3,6,6]", t => t[0].MaxPool2d(2), Distinct(2, 3, 6, 6)),
        C("max_pool2d", "3×3 stride 2 pad 1, odd size", t => t[0].MaxPool2d(3, 2, 1), Distinct(1, 2, 7, 5)),
        C("max_pool2d", "3×2 window, stride (1,2)", t => t[0].MaxPool2d((3, 2), (1, 2), (0, 0)), Distinct(2, 1, 5, 6)),
    ];
}
