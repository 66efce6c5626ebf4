using System.Runtime.InteropServices;

namespace Theta.Kernels;

/// <summary>
/// Per-thread, 64-byte-aligned scratch for the packed panels of <see cref="Gemm"/>: one buffer for
/// the packed block of A (MC×KC floats) and one for the packed block of B (KC×NC floats).
/// Each thread keeps its own pair and reuses it across calls, so the hot loops never allocate.
/// NOTE: the memory is native (aligned, not moved by the GC); the finalizer frees it when the
/// thread that owns it ends and its [ThreadStatic] reference goes away.
/// </summary>
internal sealed unsafe class GemmPackBuffers
{
    [ThreadStatic] private static GemmPackBuffers? t_current;

    private float* _a, _b;
    private nuint _aLength, _bLength;

    /// <summary>The calling thread's buffers (created on first use).</summary>
    public static GemmPackBuffers ForCurrentThread => t_current ??= new GemmPackBuffers();

    /// <summary>A buffer of at least <paramref name="length"/> floats for packed A.</summary>
    public float* A(nuint length) => Ensure(ref _a, ref _aLength, length);

    /// <summary>A buffer of at least <paramref name="length"/> floats for packed B.</summary>
    public float* B(nuint length) => Ensure(ref _b, ref _bLength, length);

    private static float* Ensure(ref float* p, ref nuint capacity, nuint length)
    {
        if (length > capacity)
        {
            NativeMemory.AlignedFree(p);
            p = null; // stay consistent if the allocation below throws
            capacity = 0;
            p = (float*)NativeMemory.AlignedAlloc(length * sizeof(float), 64);
            capacity = length;
        }
        return p;
    }

    ~GemmPackBuffers()
    {
        NativeMemory.AlignedFree(_a);
        NativeMemory.AlignedFree(_b);
    }
}
