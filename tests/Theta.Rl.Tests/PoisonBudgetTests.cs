namespace Theta.Rl.Tests;

// DqnOptions.PoisonBudget: the learner's poison penalty as a Lagrange multiplier λ on "at most b poisons per 1,000 greedy ticks".
public class PoisonBudgetTests
{
    // Best without the memory and without a budget of its own: these tests set what they test.
    private static readonly DqnOptions Plain = DqnOptions.Best with { Memory = false, PoisonBudget = 0, ApplesPerPoison = 0, PoisonReward = (float)World.PoisonReward, SelectEvery = 0 };

    // A tick near a wall that went straight and ate two apples and a poison: the world's reward 0.8 + 0.08 + 10 − 6.
    private static readonly TickResult Tick = new(0.8 + 0.08 + 10 - 6, 2, 1) { Proximity = 0.8, Forward = 0.08 };

    private static readonly float[] Eyes = Enumerable.Repeat(1f, Critter.Inputs).ToArray();

    [Fact]
    public void The_replay_memory_keeps_the_poison_apart_from_the_rest_of_the_reward_discounted_as_the_reward_is()
    {
        var o = Plain with { TemporalWindow = 0, NSteps = 3, Gamma = 0.5f, PoisonBudget = 0.5f };
        var agent = new DqnAgent(o, 1);
        // Three ticks: the tick above, a quiet tick, a tick with two poisons and nothing else.
        TickResult[] ticks = [Tick, new(1, 0, 0) { Proximity = 1 }, new(-12, 0, 2)];
        foreach (var t in ticks) { agent.Act(Eyes); agent.Observe(t, Eyes); }
        Assert.Equal(1, agent.MemoryCount);
        float[] s = new float[27], n = new float[27], r = new float[1], c = new float[1];
        agent.Memory.Sample(new Rng(1), s, n, new int[1], r, costs: c);
        // r = (0.8 + 0.08 + 10) + 0.5·1 + 0.25·0, the poison left out; c = 1 + 0.5·0 + 0.25·2.
        Assert.Equal(10.88f + 0.5f, r[0], 5);
        Assert.Equal(1.5f, c[0], 6);
        // Without a budget the poison is in the reward and the cost is 0.
        var plain = new DqnAgent(o with { PoisonBudget = 0 }, 1);
        foreach (var t in ticks) { plain.Act(Eyes); plain.Observe(t, Eyes); }
        plain.Memory.Sample(new Rng(1), s, n, new int[1], r, costs: c);
        Assert.Equal(10.88f - 6f + 0.5f * 1f + 0.25f * -12f, r[0], 5);
        Assert.Equal(0f, c[0]);
    }

    // An agent whose every action after the first is greedy (ε = 1 on the first tick only), fed ticks by hand.
    private static DqnAgent Greedy(float budget, int window, float rate)
        => new(Plain with { TemporalWindow = 0, EpsilonBurnIn = 0, EpsilonSteps = 1, EpsilonMin = 0, PoisonBudget = budget, BudgetWindow = window, BudgetRate = rate }, 3);

    private static void Feed(DqnAgent agent, int apples, int poison)
    {
        agent.Act(Eyes);
        agent.Observe(new TickResult(5 * apples - 6 * poison, apples, poison), Eyes);
    }

    [Fact]
    public void Lambda_rises_while_greedy_actions_break_the_budget_and_falls_while_they_keep_it_by_the_hand_computed_steps()
    {
        var agent = Greedy(200, 10, 0.5f);     // 200 per 1,000 ticks: 2 poisons allowed per window of 10 greedy ticks
        Assert.Equal(6.0, agent.PoisonPenalty); // the world's −6 to start
        Feed(agent, 0, 5);                      // the first action is random (ε = 1 at age 0): not counted
        Assert.False(agent.LastWasGreedy);
        for (int t = 0; t < 9; t++) Feed(agent, 1, t < 3 ? 1 : 0);
        Assert.Equal(0, agent.BudgetUpdates);   // nine greedy ticks: no update yet
        Feed(agent, 1, 0);
        // 3 poisons against 2 allowed: (3 − 2)/2 = 0.5 over, λ = 6·e^(0.5·0.5); the apples do not count
        Assert.Equal(1, agent.BudgetUpdates);
        Assert.Equal(6 * Math.Exp(0.25), agent.PoisonPenalty, 12);
        for (int t = 0; t < 10; t++) Feed(agent, t < 4 ? 1 : 0, t < 1 ? 1 : 0);
        // 1 poison: (1 − 2)/2 = −0.5, λ ← λ·e^(−0.25)
        Assert.Equal(6.0, agent.PoisonPenalty, 12);
        for (int t = 0; t < 10; t++) Feed(agent, 0, 1);
        // 10 poisons: (10 − 2)/2 = 4, λ·e^2 = 44.3
        Assert.Equal(6 * Math.Exp(2), agent.PoisonPenalty, 12);
        for (int t = 0; t < 10; t++) Feed(agent, 0, 2);
        Assert.Equal(100.0, agent.PoisonPenalty); // 20 poisons: λ·e^9, clamped to 100
        for (int w = 0; w < 20; w++) for (int t = 0; t < 10; t++) Feed(agent, 1, 0);
        Assert.Equal(1.0, agent.PoisonPenalty); // none: λ·e^(−0.5) twenty times, and no lower than 1
        // Testing (learning off) leaves λ alone.
        agent.Learning = false;
        for (int t = 0; t < 30; t++) Feed(agent, 0, 1);
        Assert.Equal(1.0, agent.PoisonPenalty);
        Assert.Equal(24, agent.BudgetUpdates);
    }

    [Fact]
    public void The_ratio_form_allows_the_windows_apples_over_K_and_tightens_as_the_apples_fall()
    {
        var agent = new DqnAgent(Plain with { TemporalWindow = 0, EpsilonBurnIn = 0, EpsilonSteps = 1, EpsilonMin = 0, ApplesPerPoison = 4, BudgetWindow = 10, BudgetRate = 0.5f }, 3);
        Feed(agent, 3, 3);                                       // random: not counted
        for (int t = 0; t < 10; t++) Feed(agent, 1, t < 3 ? 1 : 0);
        // 10 apples, 3 poisons, at least 4 apples a poison: (4·3 − 10)/10 = 0.2 over, λ = 6·e^0.1
        Assert.Equal(6 * Math.Exp(0.1), agent.PoisonPenalty, 12);
        for (int t = 0; t < 10; t++) Feed(agent, t < 4 ? 1 : 0, t < 3 ? 1 : 0);
        // the same 3 poisons with 4 apples: (12 − 4)/4 = 2 over, λ·e^1 — the rate form would have seen the same poison
        Assert.Equal(6 * Math.Exp(1.1), agent.PoisonPenalty, 12);
        for (int t = 0; t < 10; t++) Feed(agent, 0, t < 1 ? 1 : 0);
        // no apples, 1 poison: (4 − 0)/max(0, 1) = 4, λ·e^2 = 133, clamped to 100
        Assert.Equal(100.0, agent.PoisonPenalty);
        for (int t = 0; t < 10; t++) Feed(agent, 2, 0);
        // 20 apples, none: (0 − 20)/20 = −1, λ·e^(−0.5)
        Assert.Equal(100 * Math.Exp(-0.5), agent.PoisonPenalty, 10);
        Assert.Contains("two forms of one budget", Assert.Throws<ArgumentException>(() => new DqnAgent(Plain with { ApplesPerPoison = 8, PoisonBudget = 0.4f }, 1)).Message);
    }

    [Fact]
    public void Lambda_stops_at_its_ceiling()
    {
        var agent = new DqnAgent(Plain with { TemporalWindow = 0, EpsilonBurnIn = 0, EpsilonSteps = 1, EpsilonMin = 0, ApplesPerPoison = 4, BudgetWindow = 10, BudgetRate = 0.5f, BudgetCeiling = 20 }, 3);
        Feed(agent, 0, 0);
        for (int t = 0; t < 10; t++) Feed(agent, 0, 1);
        Assert.Equal(20.0, agent.PoisonPenalty); // 6·e^(0.5·40), held at 20
        for (int t = 0; t < 10; t++) Feed(agent, 2, 0);
        Assert.Equal(20 * Math.Exp(-0.5), agent.PoisonPenalty, 12); // and it comes down from the ceiling, not from 6·e^20
        Assert.Contains(nameof(DqnOptions.BudgetCeiling), Assert.Throws<ArgumentException>(() => new DqnOptions { BudgetCeiling = 0.5f }).Message);
    }

    [Fact]
    public void Without_a_budget_lambda_never_moves()
    {
        var agent = Greedy(0, 10, 0.5f);
        for (int t = 0; t < 50; t++) Feed(agent, 0, 1);
        Assert.Equal(0, agent.BudgetUpdates);
        Assert.Equal(6.0, agent.PoisonPenalty);
    }

    // Weights after 1,500 ticks of random actions (ε = 1, so both runs see the same ticks) in world 6.
    private static float[] Trained(DqnOptions o, double? lambda = null)
    {
        var agent = new DqnAgent(o with { LearnStart = 200, EpsilonMin = 1, EpsilonBurnIn = 0, EpsilonSteps = 1 }, 5);
        if (lambda is double l) agent.PoisonPenalty = l;
        double before = agent.PoisonPenalty;
        Simulation.Run(agent, 6, 1_500);
        Assert.Equal(before, agent.PoisonPenalty); // random actions never move λ
        return [.. agent.Network.Parameters().SelectMany(p => p.ToArray())];
    }

    [Fact]
    public void Every_learning_step_prices_the_remembered_poison_at_the_current_lambda()
    {
        // A learner at λ = 15 learns what a learner with a fixed poison reward of −15 learns (up to the order of float additions) …
        var budget = Trained(Plain with { PoisonBudget = 0.5f }, lambda: 15);
        var fixed15 = Trained(Plain with { PoisonReward = -15 });
        var fixed6 = Trained(Plain);
        double Distance(float[] a, float[] b) => Math.Sqrt(a.Zip(b).Sum(p => (double)(p.First - p.Second) * (p.First - p.Second)));
        double same = Distance(budget, fixed15), other = Distance(budget, fixed6);
        Assert.True(same < 1e-3, $"λ = 15 against poison −15: weights {same} apart");
        // … and not what the world's −6 teaches.
        Assert.True(other > 1000 * same && other > 1e-2, $"λ = 15 against poison −6: {other} apart (against −15: {same})");
    }

    [Fact]
    public void Bad_budgets_are_refused_with_the_fields_name()
    {
        Assert.Contains(nameof(DqnOptions.PoisonBudget), Assert.Throws<ArgumentException>(() => new DqnOptions { PoisonBudget = -0.1f }).Message);
        Assert.Contains(nameof(DqnOptions.PoisonBudget), Assert.Throws<ArgumentException>(() => new DqnOptions { PoisonBudget = float.PositiveInfinity }).Message);
        Assert.Contains(nameof(DqnOptions.BudgetRate), Assert.Throws<ArgumentException>(() => new DqnOptions { BudgetRate = 0 }).Message);
        Assert.Contains(nameof(DqnOptions.BudgetWindow), Assert.Throws<ArgumentException>(() => new DqnOptions { BudgetWindow = 0 }).Message);
        Assert.False((Plain with { PoisonBudget = 0.5f }).WorldReward);
        Assert.False((Plain with { ApplesPerPoison = 12 }).WorldReward);
        Assert.Contains(nameof(DqnOptions.ApplesPerPoison), Assert.Throws<ArgumentException>(() => new DqnOptions { ApplesPerPoison = 0.5f }).Message);
    }
}
