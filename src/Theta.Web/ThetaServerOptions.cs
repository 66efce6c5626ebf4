namespace Theta.Web;

/// <summary>
/// How <c>theta serve</c> runs: the addresses to listen on (loopback unless told otherwise), how many
/// WebSocket sessions may be open at once, the largest message a page may send (a drawing is far
/// smaller; a model upload is the big one), and the model the digit recogniser starts with.
/// </summary>
public sealed record ThetaServerOptions
{
    /// <summary>Creates options, validated.</summary>
    public ThetaServerOptions(string urls = "http://127.0.0.1:5000", int maxSessions = 8, int maxMessageBytes = 4 << 20, string? modelPath = null, string? critterBrainPath = null, string? mlpModelPath = null)
    {
        if (string.IsNullOrWhiteSpace(urls)) throw new ArgumentException("--urls: give at least one address, e.g. http://127.0.0.1:5000");
        if (maxSessions < 1) throw new ArgumentException($"--max-sessions: {maxSessions}; at least 1 session is needed");
        if (maxMessageBytes < 64 * 1024) throw new ArgumentException($"the message limit {maxMessageBytes} bytes is too small (at least 64 KiB)");
        Urls = urls;
        MaxSessions = maxSessions;
        MaxMessageBytes = maxMessageBytes;
        ModelPath = modelPath ?? Path.Combine(AppContext.BaseDirectory, "models", "mnist-cnn.theta");
        CritterBrainPath = critterBrainPath ?? Path.Combine(AppContext.BaseDirectory, "models", "critter-brain.theta");
        MlpModelPath = mlpModelPath ?? Path.Combine(AppContext.BaseDirectory, "models", "mnist-mlp.theta");
    }

    /// <summary>Addresses separated by ';' (<c>http://127.0.0.1:0</c> picks a free port).</summary>
    public string Urls { get; init; }

    /// <summary>At most this many WebSocket sessions at once; one more is told the server is busy.</summary>
    public int MaxSessions { get; init; }

    /// <summary>The largest WebSocket message accepted, in bytes (bounds a model upload).</summary>
    public int MaxMessageBytes { get; init; }

    /// <summary>The network file the digit recogniser loads for every new session.</summary>
    public string ModelPath { get; init; }

    /// <summary>The fully connected digit network (784-300-100-10) a page picks with <c>/ws/digits?network=mlp</c>.</summary>
    public string MlpModelPath { get; init; }

    /// <summary>The trained critter brain the critter page's load button uses (<c>theta critter train</c> wrote it).</summary>
    public string CritterBrainPath { get; init; }

    /// <summary>Also sends the server's warnings and errors here (besides the console), e.g. for a test that counts them.</summary>
    public Microsoft.Extensions.Logging.ILoggerProvider? LogTo { get; init; }
}
