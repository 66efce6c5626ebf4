namespace Theta.Rl.Tests;

public class LearnerRewardTests
{
    // Best without the memory and with the world's poison, as these tests were written.
    private static readonly DqnOptions Plain = DqnOptions.Best with { Memory = false, PoisonReward = (float)World.PoisonReward, ApplesPerPoison = 0 };

    // The learner's reward from one tick: TemporalWindow 0 and one step, so the one remembered experience carries it.
    private static float Stored(DqnOptions o, TickResult result)
    {
        var agent = new DqnAgent(o with { TemporalWindow = 0 }, 1);
        var x = Enumerable.Repeat(1f, Critter.Inputs).ToArray();
        agent.Act(x);
        agent.Observe(result, x);
        Assert.Equal(1, agent.MemoryCount);
        float[] s = new float[27], n = new float[27], r = new float[1];
        agent.Memory.Sample(new Rng(1), s, n, new int[1], r);
        return r[0];
    }

    // A tick near a wall that went straight and ate two apples and a poison: reward 0.8 + 0.08 + 10 − 6.
    private static readonly TickResult Tick = new(0.8 + 0.08 + 10 - 6, 2, 1) { Proximity = 0.8, Forward = 0.08 };

    [Theory]
    [InlineData(1f, 1f, 5f, -6f, 4.88f)]   // the defaults: the world's reward
    [InlineData(0f, 0f, 5f, -6f, 4f)]      // items only: 10 − 6
    [InlineData(1f, 0f, 5f, -3f, 7.8f)]    // no forward bonus, a milder poison: 0.8 + 10 − 3
    [InlineData(0.5f, 2f, 1f, -1f, 1.56f)] // 0.4 + 0.16 + 2 − 1
    public void The_learner_stores_its_own_weighing_of_the_worlds_reward(float prox, float fwd, float apple, float poison, float expected)
    {
        var o = Plain with { ProximityWeight = prox, ForwardWeight = fwd, AppleReward = apple, PoisonReward = poison, NSteps = 1 };
        Assert.Equal(expected, Stored(o, Tick), 5);
    }

    [Fact]
    public void The_worlds_reward_is_its_parts_and_the_default_learner_stores_it_bit_for_bit()
    {
        // Parts from the world: every tick's reward is proximity + forward + 5·apples − 6·poison, forward only going straight.
        var w = new World(7);
        var rng = new Rng(3);
        int withForward = 0, withItems = 0;
        for (int t = 0; t < 5_000; t++)
        {
            w.Sense();
            int a = rng.NextInt(Critter.ActionCount);
            var r = w.Step(a);
            Assert.Equal(r.Proximity + r.Forward + World.AppleReward * r.Apples + World.PoisonReward * r.Poison, r.Reward);
            Assert.InRange(r.Proximity, 0, 1);
            if (a != Critter.Straight) Assert.Equal(0, r.Forward);
            else Assert.Equal(r.Proximity > World.ForwardThreshold ? World.ForwardBonus * r.Proximity : 0, r.Forward);
            if (r.Forward > 0) withForward++;
            if (r.Apples + r.Poison > 0) withItems++;
        }
        Assert.True(withForward > 100 && withItems > 0, $"{withForward} ticks with a forward bonus, {withItems} with items");

        // An odd reward the parts do not add up to shows which one the default learner stores: the world's.
        var odd = Tick with { Reward = 1.2345678 };
        Assert.True(Plain.WorldReward);
        Assert.True(DqnOptions.Reference.WorldReward);
        Assert.Equal((float)1.2345678, Stored(Plain with { NSteps = 1 }, odd));
        Assert.False((Plain with { PoisonReward = -6.5f }).WorldReward);
        // Best prices poison by its budget's λ (PoisonBudgetTests), so its stored reward is not the world's; a poison of −15 for
        // the learner stores 0.8 + 0.08 + 10 − 15.
        Assert.False(DqnOptions.Best.WorldReward);
        Assert.True((DqnOptions.Best with { ApplesPerPoison = 0 }).WorldReward);
        Assert.Equal(0.8f + 0.08f + 10f - 15f, Stored(Plain with { PoisonReward = -15f, NSteps = 1 }, Tick), 5);
    }

    [Fact]
    public void A_run_with_the_default_weights_is_the_run_with_the_worlds_reward()
    {
        // Through Simulation (which hands the agent the whole TickResult) and through the plain reward, the same weights.
        static float[] Train(bool parts)
        {
            var o = Plain with { LearnStart = 200, SelectEvery = 0 };
            var agent = new DqnAgent(o, 5);
            var world = new World(6);
            var x = new float[Critter.Inputs];
            world.Sense(x);
            for (int t = 0; t < 1_500; t++)
            {
                int a = agent.Act(x);
                var r = world.Step(a);
                world.Sense(x);
                if (parts) agent.Observe(r, x); else agent.Observe(r.Reward, x);
                agent.Learn();
            }
            return [.. agent.Network.Parameters().SelectMany(p => p.ToArray())];
        }
        Assert.Equal(Train(false), Train(true));
        // and a learner that weighs the parts otherwise learns other weights
        var o2 = Plain with { LearnStart = 200, SelectEvery = 0, ProximityWeight = 0 };
        var a2 = new DqnAgent(o2, 5);
        Simulation.Run(a2, 6, 1_500);
        Assert.NotEqual(Train(true), [.. a2.Network.Parameters().SelectMany(p => p.ToArray())]);
    }

    [Fact]
    public void Bad_weights_are_refused_with_the_fields_name()
    {
        Assert.Contains(nameof(DqnOptions.ProximityWeight), Assert.Throws<ArgumentException>(() => new DqnOptions { ProximityWeight = -1 }).Message);
        Assert.Contains(nameof(DqnOptions.ForwardWeight), Assert.Throws<ArgumentException>(() => new DqnOptions { ForwardWeight = float.NaN }).Message);
        Assert.Contains(nameof(DqnOptions.AppleReward), Assert.Throws<ArgumentException>(() => new DqnOptions { AppleReward = -5 }).Message);
        Assert.Contains(nameof(DqnOptions.PoisonReward), Assert.Throws<ArgumentException>(() => new DqnOptions { PoisonReward = 6 }).Message);
    }
}
