namespace Theta.Web.Tests;

/// <summary>The playground's shared frame rate: down when the server's CPU use passes 70 % of the cores, back up when it falls, within 10–30.</summary>
public sealed class FrameGovernorTests
{
    // A clock the test moves: each second the process is said to use `share` of 2 cores.
    private sealed class FakeMachine
    {
        public double Wall;
        public TimeSpan Cpu;
        public void Second(double share) { Wall += 1; Cpu += TimeSpan.FromSeconds(2 * share); }
    }

    [Fact]
    public void The_rate_falls_under_load_to_no_less_than_10_and_climbs_back_to_30()
    {
        var m = new FakeMachine();
        var g = new FrameGovernor(() => m.Cpu, () => m.Wall, cores: 2);
        Assert.Equal(30, g.Fps);
        m.Second(1.4); // twice the target: at most 30 % down a second
        Assert.Equal(21, g.Fps, 6);
        Assert.Equal(21, g.Fps, 6); // read again within the second: unchanged
        m.Second(0.7 * 21.0 / 16); // a bit over the target
        Assert.Equal(16, g.Fps, 6);
        for (int i = 0; i < 10; i++) { m.Second(1); _ = g.Fps; }
        Assert.Equal(FrameGovernor.MinFps, g.Fps);
        Assert.Equal(100, g.FrameMs);
        for (int i = 0; i < 10; i++) { m.Second(0.2); _ = g.Fps; }
        Assert.Equal(FrameGovernor.MaxFps, g.Fps);
        Assert.Equal(33, g.FrameMs);
        m.Second(0); // idle: up, but not past 30
        Assert.Equal(30, g.Fps);
    }
}
