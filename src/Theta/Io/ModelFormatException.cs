namespace Theta.Io;

/// <summary>
/// A model file that cannot be read: truncated, altered, or for another architecture. The message names the file and
/// what was expected, on one line: whatever text from the file it quotes has its control characters escaped (<see cref="SafeText"/>).
/// </summary>
public sealed class ModelFormatException(string message) : Exception(SafeText.OneLine(message))
{
    /// <summary>True when the file's network would need more memory than <see cref="ActivationBudget"/> allows (rather than not fitting its input).</summary>
    public bool OverBudget { get; init; }
}
