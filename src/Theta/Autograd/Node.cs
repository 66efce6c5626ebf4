namespace Theta;

/// <summary>
/// One recorded op in the graph: its name, its inputs, and how to pass the gradient of its
/// output back to them. <see cref="Backward"/> receives dL/d(output) and adds (+=) into the
/// inputs' gradients through <see cref="Tensor.AccumulateGrad"/>.
/// </summary>
internal sealed class Node(string op, Tensor[] parents, Action<Tensor> backward)
{
    public string Op { get; } = op;
    public Tensor[] Parents { get; } = parents;
    public Action<Tensor> Backward { get; } = backward;
}

/// <summary>Turns recording on and off. Recording is per thread.</summary>
public static class Autograd
{
    [ThreadStatic] private static int _noGradDepth;

    /// <summary>True when ops record how to compute gradients (outside every <see cref="NoGrad"/> scope).</summary>
    public static bool IsRecording => _noGradDepth == 0;

    /// <summary>
    /// A scope in which ops record nothing (inference, optimizer steps):
    /// <c>using (Autograd.NoGrad()) { ... }</c>.
    /// </summary>
    public static NoGradScope NoGrad()
    {
        _noGradDepth++;
        return new NoGradScope();
    }

    /// <summary>Ends a <see cref="NoGrad"/> scope when disposed.</summary>
    public readonly struct NoGradScope : IDisposable
    {
        public void Dispose() => _noGradDepth--;
    }
}
