namespace Theta.Nn;

/// <summary>
/// Weight initialisers. Each fills a tensor in place from an explicit <see cref="Rng"/> and returns it.
/// fan_in and fan_out follow PyTorch: a weight [out, in] has fan_in = in, fan_out = out; a conv
/// weight [O, C, KH, KW] has fan_in = C·KH·KW, fan_out = O·KH·KW; a 1-d tensor has fan_in = fan_out = its length.
/// <para>Why random at all: units that start equal receive equal gradients and stay equal (symmetry);
/// random starts break the tie. Why scaled by fan: to keep the variance of activations (Xavier/Glorot)
/// or of ReLU activations (He) roughly constant from layer to layer.</para>
/// </summary>
public static class Init
{
    /// <summary>θ ~ U(<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static Tensor Uniform(Tensor t, float low, float high, Rng rng)
    {
        if (!(low < high)) throw new ArgumentException($"Init.Uniform: low ({low}) must be below high ({high})");
        var d = t.Data;
        for (int i = 0; i < d.Length; i++) d[i] = low + (high - low) * rng.NextFloat();
        return t;
    }

    /// <summary>θ ~ N(<paramref name="mean"/>, <paramref name="std"/>²).</summary>
    public static Tensor Normal(Tensor t, float mean, float std, Rng rng)
    {
        if (!(std >= 0)) throw new ArgumentException($"Init.Normal: std ({std}) must be non-negative");
        var d = t.Data;
        for (int i = 0; i < d.Length; i++) d[i] = (float)(mean + std * rng.NextNormal());
        return t;
    }

    /// <summary>θ = <paramref name="value"/> everywhere (no randomness: every unit starts identical).</summary>
    public static Tensor Constant(Tensor t, float value)
    {
        t.Data.Fill(value);
        return t;
    }

    /// <summary>Xavier/Glorot uniform: θ ~ U(−a, a) with a = gain·√(6 / (fan_in + fan_out)), so Var θ = gain²·2/(fan_in + fan_out).</summary>
    public static Tensor XavierUniform(Tensor t, Rng rng, float gain = 1f)
    {
        var (fanIn, fanOut) = Fans(t);
        float a = gain * MathF.Sqrt(6f / (fanIn + fanOut));
        return Uniform(t, -a, a, rng);
    }

    /// <summary>Xavier/Glorot normal: θ ~ N(0, σ²) with σ = gain·√(2 / (fan_in + fan_out)).</summary>
    public static Tensor XavierNormal(Tensor t, Rng rng, float gain = 1f)
    {
        var (fanIn, fanOut) = Fans(t);
        return Normal(t, 0f, gain * MathF.Sqrt(2f / (fanIn + fanOut)), rng);
    }

    /// <summary>He/Kaiming uniform (for ReLU): θ ~ U(−a, a) with a = √(6 / fan_in), so Var θ = 2/fan_in.</summary>
    public static Tensor HeUniform(Tensor t, Rng rng)
    {
        float a = MathF.Sqrt(6f / Fans(t).FanIn);
        return Uniform(t, -a, a, rng);
    }

    /// <summary>He/Kaiming normal (for ReLU): θ ~ N(0, σ²) with σ = √(2 / fan_in).</summary>
    public static Tensor HeNormal(Tensor t, Rng rng) => Normal(t, 0f, MathF.Sqrt(2f / Fans(t).FanIn), rng);

    /// <summary>LeCun normal: θ ~ N(0, σ²) with σ = √(1 / fan_in) (ConvNetJS's default for its fully connected layers).</summary>
    public static Tensor LeCunNormal(Tensor t, Rng rng) => Normal(t, 0f, MathF.Sqrt(1f / Fans(t).FanIn), rng);

    /// <summary>
    /// PyTorch's default for Linear and Conv2d weights and biases: θ ~ U(−1/√fan_in, 1/√fan_in)
    /// (kaiming_uniform with a = √5 gives this bound). <paramref name="fanIn"/> is the layer's fan_in.
    /// </summary>
    public static Tensor LeCunUniform(Tensor t, int fanIn, Rng rng)
    {
        float a = 1f / MathF.Sqrt(fanIn);
        return Uniform(t, -a, a, rng);
    }

    /// <summary>(fan_in, fan_out) of a weight tensor, as PyTorch computes them.</summary>
    public static (int FanIn, int FanOut) Fans(Tensor t)
    {
        var d = t.Shape.Dims;
        if (d.Length < 2) return (t.Size, t.Size);
        int receptive = t.Shape.Product(2, d.Length);
        return (d[1] * receptive, d[0] * receptive);
    }
}
