using System.Buffers;

namespace Theta.Kernels;

/// <summary>
/// A temporary float buffer rented from the shared pool and returned on Dispose:
/// <c>using var t = Scratch.Rent(n); ... t.Span ...</c>. Backward passes use it for their
/// intermediate products so a training step does not allocate a fresh array for each.
/// <c>default</c> is an empty scratch (no buffer), safe to dispose.
/// </summary>
internal readonly struct Scratch : IDisposable
{
    private readonly float[] _array;
    private readonly int _length;

    private Scratch(float[] array, int length) { _array = array; _length = length; }

    public static Scratch Rent(int length) => length == 0 ? default : new(ArrayPool<float>.Shared.Rent(length), length);

    public Span<float> Span => _array.AsSpan(0, _length);

    public void Dispose() { if (_array is not null) ArrayPool<float>.Shared.Return(_array); }
}
