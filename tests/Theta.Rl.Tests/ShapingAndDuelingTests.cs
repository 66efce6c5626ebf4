using Theta.Nn;

namespace Theta.Rl.Tests;

public class ShapingAndDuelingTests
{
    // Nine eyes of [wall, red, green]; everything unseen (1.0) but what the case sets.
    private static float[] Eyes(params (int Eye, Sensed What, float Reading)[] seen)
    {
        var x = Enumerable.Repeat(1f, Critter.Inputs).ToArray();
        foreach (var (k, what, r) in seen) x[k * Critter.InputsPerEye + (int)what] = r;
        return x;
    }

    [Fact]
    public void The_potential_is_the_nearest_apples_closeness_less_the_nearest_poisons()
    {
        var o = new DqnOptions { ShapeApple = 2f, ShapePoison = 0.5f };
        // apples at 0.4 and 0.7 of the range (the nearer counts), a poison at 0.5, a wall at 0.1 (ignored):
        // Φ = 2·(1 − 0.4) − 0.5·(1 − 0.5) = 1.2 − 0.25
        var x = Eyes((2, Sensed.Apple, 0.4f), (5, Sensed.Apple, 0.7f), (7, Sensed.Poison, 0.5f), (0, Sensed.Wall, 0.1f));
        Assert.Equal(0.95f, DqnAgent.Potential(x, o), 6);
        Assert.Equal(0f, DqnAgent.Potential(Eyes((3, Sensed.Wall, 0.2f)), o));  // nothing red or green in sight
        Assert.Equal(0f, DqnAgent.Potential(x, DqnOptions.Reference));           // off by default
        Assert.Throws<ArgumentException>(() => DqnAgent.Potential(new float[26], o));
        Assert.Throws<ArgumentException>(() => new DqnOptions { ShapeApple = -1 });
    }

    // The stored reward is r + γ·Φ(x′) − Φ(x): here 1 + 0.9·2·(1 − 0.3) − 2·(1 − 0.8) = 1 + 1.26 − 0.4.
    [Theory]
    [InlineData(2f, 1.86f)]
    [InlineData(0f, 1f)] // no shaping: the world's reward
    public void The_learner_stores_the_shaped_reward(float shapeApple, float stored)
    {
        var o = new DqnOptions { TemporalWindow = 0, Gamma = 0.9f, ShapeApple = shapeApple };
        var agent = new DqnAgent(o, 1);
        agent.Act(Eyes((4, Sensed.Apple, 0.8f)));
        agent.Observe(1, Eyes((4, Sensed.Apple, 0.3f)));
        Assert.Equal(1, agent.MemoryCount);
        float[] s = new float[27], n = new float[27], r = new float[1];
        int[] a = new int[1];
        agent.Memory.Sample(new Rng(1), s, n, a, r);
        Assert.Equal(stored, r[0], 5);
    }

    // A hand-made head: V = h₀, A = (h₁, 2h₁, 0) for h = (h₀, h₁) with biases (1, 0, 0, 3):
    // V = h₀ + 1, A = (h₁, 2h₁, 3), mean A = h₁ + 1, so Q = (h₀ + 1) + A − (h₁ + 1) = (h₀, h₀ + h₁, h₀ − h₁ + 3).
    [Fact]
    public void The_dueling_head_gives_v_plus_a_less_the_mean_a()
    {
        var head = new Linear(2, 4, new Rng(1));
        float[] w = [1, 0, 0, 1, 0, 2, 0, 0];
        w.CopyTo(head.Weight.Data);
        float[] b = [1, 0, 0, 3];
        b.CopyTo(head.Bias!.Data);
        var q = new DuelingHead(head);
        Assert.Equal(3, q.Actions);
        var x = Tensor.FromArray([2, 5, -1, 0.5f], 2, 2);
        var outQ = q.Forward(x).ToArray();
        float[] expected = [2, 7, 0, -1, -0.5f, 1.5f];
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], outQ[i], 5);

        // The folded plain Linear gives the same Q.
        var plain = new Linear(2, 3, new Rng(2));
        DuelingHead.Fold(head, plain);
        var plainQ = plain.Forward(x).ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], plainQ[i], 5);
    }

    // Backward through the dueling head (its ops: narrow, sum, div, sub, add) against autograd on the same stack followed by the fixed linear map
    // Q = Y·Mᵀ, M[a, 0] = 1, M[a, 1 + j] = [a = j] − 1/A; a random upstream dQ.
    [Theory]
    [InlineData(27, new[] { 7 }, 5)]
    [InlineData(91, new[] { 50, 50 }, 64)]
    [InlineData(59, new[] { 13, 9 }, 1)]
    public void Dueling_backward_matches_autograd(int inputs, int[] hidden, int batch)
    {
        const int A = 5;
        var rng = new Rng(21);
        var net = DqnAgent.NewNetwork(new DqnOptions { Hidden = hidden }, inputs, A + 1, rng);
        var x = new float[batch * inputs];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextFloat() * 2 - 0.5f;
        var dQ = new float[batch * A];
        for (int i = 0; i < dQ.Length; i++) dQ[i] = (float)rng.NextNormal();

        var headed = new Sequential([.. net.Layers.SkipLast(1), new DuelingHead((Linear)net[^1])]); // the same parameters
        var qHead = headed.Forward(Tensor.FromArray(x, batch, inputs));
        var fastQ = qHead.ToArray();
        qHead.Backward(Tensor.FromArray(dQ, batch, A));
        var fastGrads = net.NamedParameters().Select(p => p.Parameter.Grad!.ToArray()).ToArray();

        var m = new float[(A + 1) * A]; // Mᵀ [A + 1, A]
        for (int a = 0; a < A; a++)
        {
            m[a] = 1;
            for (int j = 0; j < A; j++) m[(1 + j) * A + a] = (a == j ? 1f : 0f) - 1f / A;
        }
        net.ZeroGrad();
        var y = net.Forward(Tensor.FromArray(x, batch, inputs)).MatMul(Tensor.FromArray(m, A + 1, A));
        y.Backward(Tensor.FromArray(dQ, batch, A));
        AssertClose(y.ToArray(), fastQ, "Q");
        var names = net.NamedParameters().Select(p => p.Name).ToArray();
        var slowGrads = net.NamedParameters().Select(p => p.Parameter.Grad!.ToArray()).ToArray();
        for (int i = 0; i < names.Length; i++) AssertClose(slowGrads[i], fastGrads[i], names[i]);
        Assert.Contains(fastGrads[^2], g => g != 0);
    }

    [Fact]
    public void Unfolding_then_folding_gives_the_plain_layer_back()
    {
        var plain = new Linear(6, 5, new Rng(4));
        var head = DuelingHead.Unfold(plain);
        Assert.Equal(6, head.OutFeatures);
        var back = new Linear(6, 5, new Rng(9));
        DuelingHead.Fold(head, back);
        AssertClose(plain.Weight.ToArray(), back.Weight.ToArray(), "weight");
        AssertClose(plain.Bias!.ToArray(), back.Bias!.ToArray(), "bias");
        for (int k = 0; k < 6; k++) // the advantages sum to 0 per input
            Assert.Equal(0f, Enumerable.Range(1, 5).Sum(a => head.Weight.Data[a * 6 + k]), 5);
    }

    // While learning with a dueling head, the network that acts (and is saved) is the head folded: after learning steps
    // its Q equals the dueling stack's, and the weights differ from the same run without the head.
    [Fact]
    public void A_dueling_agent_acts_with_the_folded_head_and_learns_differently()
    {
        var o = DqnOptions.Best with { LearnStart = 100, EpsilonBurnIn = 200, EpsilonSteps = 1000, TargetSync = 50, Dueling = true };
        var agent = new DqnAgent(o, 9);
        Simulation.Run(agent, 3, 600);
        Assert.True(agent.LearnSteps > 0);
        var plain = new DqnAgent(o with { Dueling = false }, 9);
        Simulation.Run(plain, 3, 600);
        Assert.NotEqual(plain.Network.Parameters().SelectMany(p => p.ToArray()), agent.Network.Parameters().SelectMany(p => p.ToArray()));
        Assert.Equal(5, DqnAgent.Layers(agent.Network)[^1].OutFeatures);
        var rng = new Rng(2);
        var s = new float[o.NetInputs()];
        for (int i = 0; i < s.Length; i++) s[i] = rng.NextFloat();
        agent.Greedy(s);
        var acting = agent.LastQ.ToArray();
        var trained = agent.DuelingQ(s);
        AssertClose(trained, acting, "Q");
    }

    // The brain chosen by validation is written into the network at the end of training; the head must follow it, or
    // learning that went on would fold the head's last weights back in.
    [Fact]
    public void Replacing_the_weights_unfolds_the_head_from_them()
    {
        var o = DqnOptions.Best with { LearnStart = 100, EpsilonBurnIn = 200, EpsilonSteps = 1000, TargetSync = 50, Dueling = true };
        var agent = new DqnAgent(o, 9);
        Simulation.Run(agent, 3, 600);
        var other = new DqnAgent(o with { Dueling = false }, 10);
        Simulation.Run(other, 4, 600);
        foreach (var (p, q) in agent.Network.Parameters().Zip(other.Network.Parameters())) q.Data.CopyTo(p.Data);
        var rng = new Rng(5);
        var s = new float[o.NetInputs()];
        for (int i = 0; i < s.Length; i++) s[i] = rng.NextFloat();
        agent.Greedy(s);
        var acting = agent.LastQ.ToArray();
        Assert.True(acting.Zip(agent.DuelingQ(s)).Any(v => MathF.Abs(v.First - v.Second) > 1e-3f), "the stale head should differ");
        agent.NetworkReplaced();
        AssertClose(acting, agent.DuelingQ(s), "Q after NetworkReplaced");
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float scale = Math.Max(1e-3f, expected.Max(MathF.Abs));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(MathF.Abs(expected[i] - actual[i]) <= 1e-5f * scale, $"{what}[{i}]: expected {expected[i]}, got {actual[i]}");
    }
}
