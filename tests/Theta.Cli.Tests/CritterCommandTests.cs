using System.Text.Json;

namespace Theta.Cli.Tests;

/// <summary><c>theta critter train</c> and <c>eval</c> as a user runs them, and their one-line errors.</summary>
public sealed class CritterCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("critter-cli");

    public void Dispose() => _dir.Delete(true);

    [Fact]
    public void Train_writes_a_brain_that_eval_compares_with_random_and_straight()
    {
        var brain = Path.Combine(_dir.FullName, "brain.theta");
        var train = Cli.Run("critter", "train", "--ticks", "2500", "--seed", "4", "--out", brain, "--json");
        Assert.True(train.ExitCode == 0, train.Err);
        var t = JsonDocument.Parse(train.Out).RootElement;
        Assert.Equal(2500, t.GetProperty("ticks").GetInt64());
        var curve = t.GetProperty("curve");
        Assert.Equal(1, curve.GetArrayLength()); // one window: the run is shorter than 10,000 ticks
        Assert.Equal(2500, curve[0].GetProperty("ticks").GetInt64());
        Assert.Equal(6.0, curve[0].GetProperty("poisonPenalty").GetDouble()); // the world's poison: no budget moves it
        Assert.True(t.GetProperty("ticksPerSecond").GetDouble() > 0);
        Assert.True(File.Exists(brain));

        var eval = Cli.Run("critter", "eval", "--brain", brain, "--ticks", "1500", "--json");
        Assert.True(eval.ExitCode == 0, eval.Err);
        var e = JsonDocument.Parse(eval.Out).RootElement;
        Assert.Equal(0.05, e.GetProperty("epsilon").GetDouble());
        foreach (var policy in new[] { "brain", "random", "straight" })
        {
            var p = e.GetProperty(policy);
            Assert.True(p.GetProperty("apples").GetInt64() >= 0);
            Assert.InRange(p.GetProperty("rewardPerTick").GetDouble(), -6, 7);
        }
        Assert.True(e.GetProperty("straight").GetProperty("rewardPerTick").GetDouble() < 0.4); // it pins itself to a wall
        // Every policy's apples as a share of oracle-8's, which is 1 for oracle-8 itself.
        long ceiling = e.GetProperty("oracle-8").GetProperty("apples").GetInt64();
        Assert.True(ceiling > 0);
        Assert.Equal(1.0, e.GetProperty("oracle-8").GetProperty("ofOracle8").GetDouble());
        Assert.Equal((double)e.GetProperty("brain").GetProperty("apples").GetInt64() / ceiling, e.GetProperty("brain").GetProperty("ofOracle8").GetDouble(), 12);

        var table = Cli.Run("critter", "eval", "--brain", brain, "--ticks", "500", "--epsilon", "0");
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("straight", table.Out);
        Assert.Contains("reward/tick", table.Out);
        Assert.Contains("of oracle-8", table.Out);
        Assert.Contains("100 %", table.Out); // oracle-8's own row
    }

    [Theory]
    [InlineData("--ticks must be positive", "critter", "train", "--ticks", "0")]
    [InlineData("--ticks must be positive", "critter", "train", "--ticks", "-5")]
    [InlineData("--preset: 'fast' is not best or reference", "critter", "train", "--preset", "fast")]
    [InlineData("Gamma must be in [0, 1)", "critter", "train", "--gamma", "1.5")]
    [InlineData("SelectKeep must be in 1..32", "critter", "train", "--select-keep", "0")]
    [InlineData("SelectWorlds must be in 1..64", "critter", "train", "--select-worlds", "65")]
    [InlineData("PoisonReward must be zero or negative", "critter", "train", "--poison-reward", "3")]
    [InlineData("ProximityWeight must be non-negative", "critter", "train", "--proximity-weight", "-1")]
    [InlineData("NoveltyWeight must be non-negative", "critter", "train", "--novelty-weight", "-0.5")]
    [InlineData("SelectPoison must be non-negative", "critter", "train", "--select-poison", "-1")]
    [InlineData("PoisonBudget must be non-negative (0 = off)", "critter", "train", "--poison-budget", "-0.5")]
    [InlineData("ApplesPerPoison must be 0 (off) or at least 1", "critter", "train", "--apples-per-poison", "0.5")]
    [InlineData("are two forms of one budget", "critter", "train", "--poison-budget", "0.4", "--apples-per-poison", "12")]
    [InlineData("NoveltyWeight needs a memory", "critter", "train", "--memory", "false", "--novelty-weight", "0.2")]
    [InlineData("--ticks must be positive", "critter", "eval", "--brain", "x.theta", "--ticks", "0")]
    [InlineData("--epsilon must be in [0, 1]", "critter", "eval", "--brain", "x.theta", "--epsilon", "2")]
    public void Bad_options_are_one_line_and_exit_1(string expected, params string[] args)
    {
        var r = Cli.Run(args);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(expected, r.Err);
        Assert.Single(r.Err.Trim().Split('\n'));
    }

    // The learner's reward options reach the options the run trains with (and the brain file's provenance).
    [Fact]
    public void The_learners_reward_options_reach_the_run()
    {
        var r = Cli.Run("critter", "train", "--ticks", "1200", "--seed", "4", "--poison-reward", "-4.5", "--forward-weight", "0", "--json");
        Assert.True(r.ExitCode == 0, r.Err);
        var options = JsonDocument.Parse(r.Out).RootElement.GetProperty("options").GetString()!;
        Assert.Contains("PoisonReward=-4.5", options);
        Assert.Contains("ForwardWeight=0", options);
        Assert.Contains("ProximityWeight=1,", options);
    }

    // The default critter has a memory; --memory false trains one without, and each brain file carries which, so eval needs no flag.
    [Fact]
    public void Memory_is_the_default_and_can_be_turned_off_and_the_brain_file_remembers_which()
    {
        foreach (var (flag, inputs) in new[] { ("true", 124), ("false", 91) })
        {
            var brain = Path.Combine(_dir.FullName, $"m-{flag}.theta");
            var args = flag == "true" ? new[] { "critter", "train", "--ticks", "1500", "--seed", "4", "--out", brain, "--json" }
                                      : ["critter", "train", "--ticks", "1500", "--seed", "4", "--memory", "false", "--out", brain, "--json"];
            var r = Cli.Run(args);
            Assert.True(r.ExitCode == 0, r.Err);
            Assert.Contains($"Memory={(flag == "true" ? "True" : "False")}", JsonDocument.Parse(r.Out).RootElement.GetProperty("options").GetString()!);
            var (net, _, memory) = Theta.Rl.BrainFile.Read(brain);
            Assert.Equal(flag == "true", memory);
            Assert.Equal(inputs, net.Layers.OfType<Theta.Nn.Linear>().First().InFeatures);
            var eval = Cli.Run("critter", "eval", "--brain", brain, "--ticks", "500", "--json");
            Assert.True(eval.ExitCode == 0, eval.Err);
        }
    }

    // --plot draws the run (a PNG here); a picture name without .png or .svg fails before a hundred million ticks start.
    [Fact]
    public void Plot_draws_the_run_and_a_bad_picture_name_fails_at_once()
    {
        var png = Path.Combine(_dir.FullName, "run.png");
        var r = Cli.Run("critter", "train", "--ticks", "2500", "--seed", "4", "--plot", png, "--json");
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(png)[..4]);
        var bad = Cli.Run("critter", "train", "--ticks", "100000000", "--plot", Path.Combine(_dir.FullName, "run.txt"));
        Assert.Equal(1, bad.ExitCode);
        Assert.Single(bad.Err.Trim().Split('\n'));
        Assert.False(File.Exists(Path.Combine(_dir.FullName, "run.txt")));
    }

    [Fact]
    public void A_file_that_is_not_a_brain_is_refused_and_a_bad_out_folder_fails_before_training()
    {
        var notBrain = Path.Combine(_dir.FullName, "notes.theta");
        File.WriteAllText(notBrain, "not a model");
        var r = Cli.Run("critter", "eval", "--brain", notBrain);
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith("theta: error: ", r.Err);

        var missing = Path.Combine(_dir.FullName, "no", "such", "folder", "brain.theta");
        var t = Cli.Run("critter", "train", "--ticks", "100000000", "--out", missing);
        Assert.Equal(1, t.ExitCode); // at once: a hundred million ticks were never started
        Assert.Contains("does not exist", t.Err);
        Assert.False(File.Exists(missing));
    }
}
