using Theta.Optim;

namespace Theta.Tests.Optim;

/// <summary>
/// <see cref="Optimizer.Step"/> cuts a large parameter into pieces of <see cref="Optimizer.PieceLength"/> (the last
/// taking the remainder) and runs them in parallel: each piece must read and write its own slice of the state,
/// and the result must not depend on the thread count.
/// </summary>
public sealed class PieceTests
{
    private const int N = 2 * Optimizer.PieceLength + 1000;   // pieces of 2048 and 3048

    public static TheoryData<string> Kinds => ["sgd", "sgd+decay", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam", "adamw"];

    private static Optimizer Make(string kind, Tensor[] ps) => kind switch
    {
        "sgd" => new Sgd(ps, new(0.1f)),
        "sgd+decay" => new Sgd(ps, new(0.1f, WeightDecay: 0.05f, L1Decay: 0.01f)),
        "momentum" => new Momentum(ps, new(0.1f)),
        "nesterov" => new Nesterov(ps, new(0.1f)),
        "adagrad" => new Adagrad(ps, new(0.1f)),
        "adadelta" => new Adadelta(ps, new(1f)),
        "rmsprop" => new RmsProp(ps, new(0.01f)),
        "adam" => new Adam(ps, new(0.01f, WeightDecay: 0.01f)),
        "adamw" => new AdamW(ps, new(0.01f)),
        _ => throw new ArgumentException(kind),
    };

    // θ₀ and a different gradient each step, from a seed, as plain arrays.
    private static (float[] Theta, float[][] Grads) Data(int n)
    {
        var rng = new Rng(7);
        var theta = new float[n];
        for (int i = 0; i < n; i++) theta[i] = rng.NextFloat() * 2 - 1;
        var grads = new float[4][];
        for (int s = 0; s < grads.Length; s++)
        {
            grads[s] = new float[n];
            for (int i = 0; i < n; i++) grads[s][i] = rng.NextFloat() * 2 - 1;
        }
        return (theta, grads);
    }

    // Four steps over the parameters, whose gradients are the slices of the step's gradient in order.
    private static float[] Run(string kind, int[] sizes, int threads)
    {
        var (theta, grads) = Data(sizes.Sum());
        var ps = new Tensor[sizes.Length];
        for (int j = 0, at = 0; j < sizes.Length; at += sizes[j], j++)
            ps[j] = Tensor.FromArray(theta[at..(at + sizes[j])]).RequireGrad();
        var opt = Make(kind, ps);
        int saved = ThetaRuntime.Threads;
        ThetaRuntime.Threads = threads;
        try
        {
            foreach (var g in grads)
            {
                for (int j = 0, at = 0; j < sizes.Length; at += sizes[j], j++)
                    ps[j].Grad = Tensor.FromArray(g[at..(at + sizes[j])]);
                opt.Step();
            }
        }
        finally { ThetaRuntime.Threads = saved; }
        return [.. ps.SelectMany(p => p.ToArray())];
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void APieceUpdatesAsItsOwnParameterWould(string kind)
    {
        // One parameter of two pieces against the same elements as two parameters of one piece each: equal only
        // if the second piece reads and writes the state at its own offset.
        float[] whole = Run(kind, [N], 1);
        float[] split = Run(kind, [Optimizer.PieceLength, N - Optimizer.PieceLength], 1);
        Assert.Equal(split, whole);
        var (theta, _) = Data(N);
        Assert.NotEqual(theta[^1], whole[^1]);   // the last piece's tail moved
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ThreadsDoNotChangeTheResult(string kind)
    {
        // Twelve pieces of six parameters: enough work for Step to run them on two threads.
        int[] sizes = [N, N, N, N, N, N];
        Assert.Equal(Run(kind, sizes, 1), Run(kind, sizes, 2));
    }
}
