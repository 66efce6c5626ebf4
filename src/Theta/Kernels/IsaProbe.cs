using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Theta.Kernels;

/// <summary>
/// The start-up measurement behind <see cref="Isa"/>'s choice: the 512-bit 12×32 tile and the 256-bit 6×16 tile
/// on packed panels of kc = 256 that sit in L1 (the GEMM's steady state), in alternating rounds, best round of
/// each, compared per FLOP. About 2 ms, once per process, and only on a CPU that runs both.
/// </summary>
internal static unsafe class IsaProbe
{
    private const int Kc = 256, Tiles = 64, Rounds = 7;

    /// <summary>GFLOP/s of the 12×32 tile over GFLOP/s of the 6×16 tile (> 1: the 512-bit tile is faster).</summary>
    public static double Avx512OverAvx2()
    {
        const int mr = GemmMicroKernel512.MR, nr = GemmMicroKernel512.NR;
        float* a = (float*)NativeMemory.AlignedAlloc(Kc * mr * sizeof(float), 64);
        float* b = (float*)NativeMemory.AlignedAlloc(Kc * nr * sizeof(float), 64);
        float* c = (float*)NativeMemory.AlignedAlloc(mr * nr * sizeof(float), 64);
        try
        {
            for (int i = 0; i < Kc * mr; i++) a[i] = 1f / (i + 1);
            for (int i = 0; i < Kc * nr; i++) b[i] = 1f / (i + 2);
            double best512 = double.MaxValue, best256 = double.MaxValue;
            for (int r = 0; r < Rounds; r++)
            {
                long t0 = Stopwatch.GetTimestamp();
                for (int t = 0; t < Tiles; t++)
                    GemmMicroKernel512.Tile(Kc, a, b, nr, c, nr, mr, nr, 1f, 0f);
                long t1 = Stopwatch.GetTimestamp();
                // The same FLOPs in 6×16 tiles: four of them cover one 12×32 tile.
                for (int t = 0; t < Tiles; t++)
                    for (int q = 0; q < 4; q++)
                        GemmMicroKernel.Tile(GemmPath.Avx2, Kc, a, b + (q & 1) * 16, nr, c + (q >> 1) * 6 * nr + (q & 1) * 16, nr,
                            GemmMicroKernel.MR, GemmMicroKernel.NR, 1f, 0f);
                long t2 = Stopwatch.GetTimestamp();
                if (r == 0) continue;   // the first round pays for the JIT
                best512 = Math.Min(best512, t1 - t0);
                best256 = Math.Min(best256, t2 - t1);
            }
            return best256 / Math.Max(best512, 1);
        }
        finally
        {
            NativeMemory.AlignedFree(a);
            NativeMemory.AlignedFree(b);
            NativeMemory.AlignedFree(c);
        }
    }
}
