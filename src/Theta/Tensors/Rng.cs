namespace Theta;

/// <summary>
/// An explicitly seeded pseudo-random generator (xoshiro128**, seeded through SplitMix64).
/// Theta has no hidden global generator: every random choice takes one of these, so the same
/// seed gives the same numbers on every machine and .NET version.
/// </summary>
public sealed class Rng
{
    private uint _s0, _s1, _s2, _s3;
    private double? _spareNormal;

    public Rng(ulong seed)
    {
        ulong z = seed;
        ulong a = SplitMix(ref z), b = SplitMix(ref z);
        _s0 = (uint)a; _s1 = (uint)(a >> 32); _s2 = (uint)b; _s3 = (uint)(b >> 32);
        if ((_s0 | _s1 | _s2 | _s3) == 0) _s0 = 1;
    }

    private static ulong SplitMix(ref ulong x) => Scramble(x += 0x9E3779B97F4A7C15UL);

    /// <summary>SplitMix64's finaliser: a bijection of 64 bits in which every input bit moves about half the output bits.</summary>
    internal static ulong Scramble(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 32 random bits.</summary>
    public uint NextUInt()
    {
        uint result = uint.RotateLeft(_s1 * 5, 7) * 9;
        uint t = _s1 << 9;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = uint.RotateLeft(_s3, 11);
        return result;
    }

    /// <summary>Uniform in [0, 1), 24 random bits.</summary>
    public float NextFloat() => (NextUInt() >> 8) * (1f / (1 << 24));

    /// <summary>Uniform in [0, 1), 53 random bits.</summary>
    public double NextDouble() => (((ulong)NextUInt() << 21) ^ (NextUInt() >> 11)) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n) without modulo bias (Lemire's method).</summary>
    public int NextInt(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ulong m = (ulong)NextUInt() * (uint)n;
        uint l = (uint)m;
        if (l < (uint)n)
        {
            uint t = (uint)(-n) % (uint)n;
            while (l < t) { m = (ulong)NextUInt() * (uint)n; l = (uint)m; }
        }
        return (int)(m >> 32);
    }

    /// <summary>Standard normal N(0, 1) by the Box–Muller transform (the pair's second value is kept).</summary>
    public double NextNormal()
    {
        if (_spareNormal is double s) { _spareNormal = null; return s; }
        double u1 = 1.0 - NextDouble(); // (0, 1]: log is finite
        double u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        _spareNormal = r * Math.Sin(2 * Math.PI * u2);
        return r * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Shuffles in place (Fisher–Yates).</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>
    /// Everything the next draw depends on (the four state words and the kept Box–Muller value):
    /// <c>SetState(GetState())</c> later replays exactly the numbers that followed. Checkpoints store it.
    /// </summary>
    public RngState GetState() => new(_s0, _s1, _s2, _s3, _spareNormal);

    /// <summary>Restores a state taken by <see cref="GetState"/>; the generator then continues exactly as the one it came from.</summary>
    public void SetState(RngState state)
    {
        if ((state.S0 | state.S1 | state.S2 | state.S3) == 0)
            throw new ArgumentException("Rng.SetState: the all-zero state is not a xoshiro128** state", nameof(state));
        (_s0, _s1, _s2, _s3, _spareNormal) = (state.S0, state.S1, state.S2, state.S3, state.SpareNormal);
    }

    /// <summary>An independent generator in the same state: both produce the same numbers from here on.</summary>
    public Rng Clone()
    {
        var c = new Rng(0);
        c.SetState(GetState());
        return c;
    }

    /// <summary>A random permutation of 0..n-1.</summary>
    public int[] Permutation(int n)
    {
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        Shuffle<int>(p);
        return p;
    }
}

/// <summary>A snapshot of an <see cref="Rng"/>: the xoshiro128** words s0..s3 and the pending normal deviate, if any.</summary>
public readonly record struct RngState(uint S0, uint S1, uint S2, uint S3, double? SpareNormal);
