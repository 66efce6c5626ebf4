using Theta.Io;
using Theta.Nn;
using Theta.Optim;

namespace Theta.Rl.Tests;

public class DqnAgentTests
{
    private static float[] Obs(Rng rng)
    {
        var x = new float[Critter.Inputs];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextFloat();
        return x;
    }

    [Theory]
    // loss, d, δ → (loss, dL/dd)
    [InlineData(TdLoss.Squared, 3f, 1f, 4.5, 3f)]
    [InlineData(TdLoss.Squared, -0.5f, 1f, 0.125, -0.5f)]
    [InlineData(TdLoss.Huber, 0.5f, 1f, 0.125, 0.5f)]   // inside ±δ: ½d²
    [InlineData(TdLoss.Huber, 3f, 1f, 2.5, 1f)]         // δ(|d| − ½δ) = 1·(3 − 0.5)
    [InlineData(TdLoss.Huber, -3f, 2f, 4.0, -2f)]       // 2·(3 − 1)
    public void Td_losses_and_their_gradients(TdLoss loss, float d, float delta, double l, float g)
    {
        var (al, ag) = DqnAgent.TdLossAndGradient(loss, d, delta);
        Assert.Equal(l, al, 6);
        Assert.Equal(g, ag);
    }

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(3_000, 1.0)]
    [InlineData(101_500, 0.5)]      // 1 − (101,500 − 3,000)/(200,000 − 3,000)
    [InlineData(190_000, 0.05076)]  // 1 − 187,000/197,000
    [InlineData(200_000, 0.05)]     // the floor
    [InlineData(1_000_000, 0.05)]
    public void Epsilon_is_1_through_the_burn_in_then_falls_linearly_to_the_floor(long age, double eps)
        => Assert.Equal(eps, new DqnAgent(DqnOptions.Reference, 1).ScheduledEpsilon(age), 5);

    [Fact]
    public void The_state_is_the_observation_then_past_observations_and_scaled_one_hot_actions()
    {
        var rng = new Rng(5);
        var agent = new DqnAgent(new DqnOptions { TemporalWindow = 2 }, 1);
        Assert.Equal(27 + 2 * 32, agent.Network.NamedParameters().First().Parameter.Shape[1]);
        float[] x1 = Obs(rng), x2 = Obs(rng), x3 = Obs(rng);
        int a1 = agent.Act(x1);
        Assert.False(agent.LastWasGreedy); // no history yet: random
        agent.Observe(1, x2);
        int a2 = agent.Act(x2);
        agent.Observe(1, x3);
        agent.Act(x3);
        var s = agent.LastInput.ToArray();
        Assert.Equal(x3, s[..27]);
        Assert.Equal(x2, s[27..54]);
        Assert.Equal(Enumerable.Range(0, 5).Select(k => k == a2 ? 27f : 0f), s[54..59]);
        Assert.Equal(x1, s[59..86]);
        Assert.Equal(Enumerable.Range(0, 5).Select(k => k == a1 ? 27f : 0f), s[86..91]);
        Assert.Equal(0, agent.MemoryCount); // s1 and s2 had no full history
        agent.Observe(1, Obs(rng));
        Assert.Equal(1, agent.MemoryCount); // (s3, a3, r, s4)
    }

    // One learning step against Theta's autograd and optimizers on a copy of the same network: with a batch of 1
    // and one remembered transition (s, a, r, s′), the agent's step must equal the step on
    // loss(Q(s)_a − y), y = r + γ·max Q(s′) a constant, plus ConvNetJS's L2 (λ/B)·w on the weights.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_learning_step_is_the_autograd_step_on_the_td_loss(bool improved)
    {
        var o = new DqnOptions { TemporalWindow = 0, BatchSize = 1, LearnStart = 0, Gamma = 0.7f, L2 = 0.01f, LearningRate = 0.01f };
        if (improved) o = o with { Optimizer = OptimizerKind.Adam, Loss = TdLoss.Huber, HuberDelta = 0.05f, L2 = 0f, Gamma = 0.9f };
        var net = DqnAgent.NewNetwork(o, 27, 5, new Rng(8));
        var copy = DqnAgent.NewNetwork(o, 27, 5, new Rng(8));
        var agent = new DqnAgent(o, net, 4);
        var rng = new Rng(2);
        float[] s = Obs(rng), next = Obs(rng);
        int a = agent.Act(s);
        agent.Observe(1.5, next);
        Assert.Equal(1, agent.MemoryCount);
        double loss = agent.Learn();

        float y;
        using (Autograd.NoGrad()) y = 1.5f + o.Gamma * copy.Forward(Tensor.FromArray(next, 1, 27)).ToArray().Max();
        var q = copy.Forward(Tensor.FromArray(s, 1, 27));
        var mask = Tensor.FromArray([.. Enumerable.Range(0, 5).Select(k => k == a ? 1f : 0f)], 1, 5);
        var qa = (q * mask).Sum(1);
        Tensor l;
        if (!improved) l = (qa - y).Pow(2) * 0.5f;
        else
        {
            float d = qa.Item() - y; // |d| > δ here (asserted): the Huber loss is δ·(|d| − δ/2)
            Assert.True(Math.Abs(d) > o.HuberDelta, $"d = {d}");
            l = ((qa - y).Abs() - 0.5f * o.HuberDelta) * o.HuberDelta;
        }
        Assert.Equal(l.Sum().Item(), loss, 5);
        copy.ZeroGrad();
        l.Sum().Backward();
        var weights = copy.NamedParameters().Where(p => p.Name.EndsWith("weight")).Select(p => p.Parameter).ToArray();
        foreach (var w in weights) TensorPrimitivesAdd(w.Grad!.Data, w.Data, o.L2 / o.BatchSize);
        Optimizer opt = improved ? new Adam(copy.Parameters(), new AdamOptions(o.LearningRate)) : new Sgd(copy.Parameters(), new SgdOptions(o.LearningRate));
        opt.Step();

        foreach (var ((name, expected), (_, actual)) in copy.NamedParameters().Zip(net.NamedParameters()))
        {
            var e = expected.ToArray(); var g = actual.ToArray();
            for (int i = 0; i < e.Length; i++) Assert.True(Math.Abs(e[i] - g[i]) < 1e-6, $"{name}[{i}]: autograd step {e[i]}, agent {g[i]}");
        }
        Assert.NotEqual(DqnAgent.NewNetwork(o, 27, 5, new Rng(8)).NamedParameters().First().Parameter.ToArray(), net.NamedParameters().First().Parameter.ToArray());
    }

    private static void TensorPrimitivesAdd(Span<float> g, ReadOnlySpan<float> w, float s)
    {
        for (int i = 0; i < g.Length; i++) g[i] += s * w[i];
    }

    [Fact]
    public void Only_linear_relu_stacks_are_accepted()
    {
        var rng = new Rng(1);
        Assert.Throws<ArgumentException>(() => DqnAgent.Layers(new Sequential(new Linear(4, 3, rng), new Sigmoid(), new Linear(3, 5, rng))));
        Assert.Throws<ArgumentException>(() => DqnAgent.Layers(new Sequential(new Linear(4, 3, rng), new ReLU())));
        Assert.Throws<ArgumentException>(() => DqnAgent.Layers(new Sequential(new Linear(4, 3, rng), new ReLU(), new Linear(4, 5, rng))));
        Assert.Equal(2, DqnAgent.Layers(new Sequential(new Linear(4, 3, rng), new ReLU(), new Linear(3, 5, rng))).Length);
    }

    [Fact]
    public void The_same_seed_gives_the_same_critter()
    {
        var o = DqnOptions.Best with { LearnStart = 100, EpsilonBurnIn = 200, EpsilonSteps = 1000, TargetSync = 50 };
        float[] Run()
        {
            var agent = new DqnAgent(o, 9);
            var sim = new Simulation(new World(3), agent);
            for (int t = 0; t < 1500; t++) sim.Tick();
            return [.. agent.Network.Parameters().SelectMany(p => p.ToArray()), (float)sim.World.Critter.Position.X, sim.Totals.Apples];
        }
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void Learn_waits_for_the_memory_to_pass_the_threshold()
    {
        var agent = new DqnAgent(DqnOptions.Reference with { LearnStart = 10 }, 1);
        var sim = new Simulation(new World(1), agent);
        for (int t = 0; t < 11; t++) { sim.Tick(); Assert.True(double.IsNaN(sim.LastLoss)); } // 10 remembered (the first tick has no history)
        sim.Tick();
        Assert.False(double.IsNaN(sim.LastLoss));
        Assert.Equal(1, agent.LearnSteps);
        agent.Learning = false;
        sim.Tick();
        Assert.Equal(1, agent.LearnSteps);
        Assert.Equal(0.05, agent.Epsilon, 6);
    }

    [Fact]
    public void A_brain_file_round_trips_and_loads_with_learning_off()
    {
        var dir = Directory.CreateTempSubdirectory("critter");
        try
        {
            var agent = new DqnAgent(DqnOptions.Best, 3);
            var path = Path.Combine(dir.FullName, "brain.theta");
            BrainFile.Save(agent, path, trainedTicks: 123);
            var loaded = BrainFile.Load(path, seed: 1);
            Assert.False(loaded.Learning);
            Assert.Equal(DqnOptions.Best.TemporalWindow, loaded.Options.TemporalWindow);
            var x = Obs(new Rng(1)).Concat(new float[DqnOptions.Best.NetInputs() - 27]).ToArray();
            agent.Greedy(x);
            loaded.Greedy(x);
            Assert.Equal(agent.LastQ.ToArray(), loaded.LastQ.ToArray());
            Assert.Equal(["straight", "left 0.2", "right 0.2", "right 0.5", "left 0.5"], NetworkFile.Read(path).Metadata.Classes);
            Assert.Single(Directory.GetFiles(dir.FullName)); // no temporary left behind
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void A_brain_for_another_input_size_or_no_brain_is_refused_with_a_clear_message()
    {
        var dir = Directory.CreateTempSubdirectory("critter");
        try
        {
            var rng = new Rng(1);
            var net = DqnAgent.NewNetwork(DqnOptions.Reference, 59, 5, rng);
            var wrongWindow = Path.Combine(dir.FullName, "w.theta");
            NetworkFile.Save(net, wrongWindow, new NetworkMetadata([59], null, BrainFile.Dataset, new Dictionary<string, string> { ["temporalWindow"] = "2" }));
            var e = Assert.Throws<ModelFormatException>(() => BrainFile.Load(wrongWindow, 1));
            Assert.Contains("takes 59 inputs, but a critter with temporal window 2 gives 91", e.Message);

            var mnist = Path.Combine(dir.FullName, "m.theta");
            NetworkFile.Save(new Sequential(new Linear(784, 10, rng)), mnist, new NetworkMetadata([784], null, "mnist"));
            Assert.Contains("not a critter's brain", Assert.Throws<ModelFormatException>(() => BrainFile.Load(mnist, 1)).Message);

            var sigmoid = Path.Combine(dir.FullName, "s.theta");
            NetworkFile.Save(new Sequential(new Linear(59, 10, rng), new Sigmoid(), new Linear(10, 5, rng)), sigmoid,
                new NetworkMetadata([59], null, BrainFile.Dataset, new Dictionary<string, string> { ["temporalWindow"] = "1" }));
            Assert.Contains("alternates Linear and ReLU", Assert.Throws<ModelFormatException>(() => BrainFile.Load(sigmoid, 1)).Message);

            Assert.Throws<ArgumentException>(() => new DqnAgent(DqnOptions.Reference with { TemporalWindow = 2 }, net, 1));
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void Options_are_checked()
    {
        Assert.Throws<ArgumentException>(() => new DqnOptions { Gamma = 1f });
        Assert.Throws<ArgumentException>(() => new DqnOptions { BatchSize = 0 });
        Assert.Throws<ArgumentException>(() => new DqnOptions { Hidden = [] });
        Assert.Throws<ArgumentException>(() => new DqnOptions { LearningRate = float.NaN });
        Assert.Throws<ArgumentException>(() => new DqnAgent(new DqnOptions { DoubleDqn = true }, 1));
        Assert.Throws<ArgumentException>(() => new DqnAgent(new DqnOptions { EpsilonBurnIn = 10, EpsilonSteps = 10 }, 1));
    }

    // A short seeded run: 15,000 ticks with a quick exploration schedule already beat the random policy at test time.
    [Fact]
    public void A_short_training_run_beats_the_random_policy()
    {
        var o = DqnOptions.Best with { LearnStart = 500, EpsilonBurnIn = 500, EpsilonSteps = 10_000 };
        var agent = new DqnAgent(o, 1);
        Simulation.Run(agent, worldSeed: 2, ticks: 15_000);
        agent.Learning = false;
        var learned = Simulation.Run(agent, worldSeed: 3, ticks: 4_000);
        var random = Simulation.Run(new RandomBrain(4), worldSeed: 3, ticks: 4_000);
        Assert.True(learned.RewardPerTick > random.RewardPerTick + 0.15, $"learned {learned.RewardPerTick:0.000} vs random {random.RewardPerTick:0.000} per tick");
    }
}
