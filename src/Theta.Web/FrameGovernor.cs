using System.Diagnostics;

namespace Theta.Web;

/// <summary>
/// The playground's frame rate under load, shared by all its sessions: a feedback loop on the server's own CPU use.
/// Once a second it reads the process's CPU time; when the server used more than <see cref="TargetShare"/> of the
/// machine's cores, every playing page's frame rate falls in proportion (at most 30 % a second), and when it used
/// less, it climbs back, always within [<see cref="MinFps"/>, <see cref="MaxFps"/>]. Measured (docs/benchmarks.md):
/// a playing default page costs about 0.65 ms of CPU a frame, so 100 pages at 30 frames a second would need about
/// two whole cores of this 2-core machine, and at 10 about two thirds of one; the floor of 10 keeps a class of 100
/// watching the network learn while the server stays responsive.
/// </summary>
internal sealed class FrameGovernor(Func<TimeSpan>? cpuClock = null, Func<double>? wallSeconds = null, int? cores = null)
{
    public const int MinFps = 10, MaxFps = 30;
    public const double TargetShare = 0.7;

    private static readonly Stopwatch Wall = Stopwatch.StartNew();
    private readonly Func<TimeSpan> _cpu = cpuClock ?? (() => Process.GetCurrentProcess().TotalProcessorTime);
    private readonly Func<double> _now = wallSeconds ?? (() => Wall.Elapsed.TotalSeconds);
    private readonly int _cores = cores ?? Environment.ProcessorCount;
    private readonly object _gate = new();
    private double _fps = MaxFps, _lastWall = double.NaN;
    private TimeSpan _lastCpu;

    /// <summary>The frame rate every playing page gets now (re-read once a second at most).</summary>
    public double Fps
    {
        get
        {
            lock (_gate)
            {
                double now = _now();
                if (double.IsNaN(_lastWall)) { _lastWall = now; _lastCpu = _cpu(); return _fps; }
                if (now - _lastWall < 1) return _fps;
                var cpu = _cpu();
                double used = (cpu - _lastCpu).TotalSeconds / (now - _lastWall) / _cores; // the share of the machine used
                _lastWall = now; _lastCpu = cpu;
                double ratio = used > 0 ? TargetShare / used : 1.3;
                _fps = Math.Clamp(_fps * Math.Clamp(ratio, 0.7, 1.3), MinFps, MaxFps);
                return _fps;
            }
        }
    }

    /// <summary>The length of one frame at <see cref="Fps"/>, in whole milliseconds.</summary>
    public int FrameMs => (int)Math.Round(1000 / Fps);
}
