using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Theta.Web;

/// <summary>
/// The limits <c>theta serve</c> runs with, set explicitly rather than left to Kestrel's defaults, so
/// what one client can hold is written down (README, "Reliability"). The pages are static files and
/// WebSockets: no request has a body, no header needs more than a few hundred bytes.
/// </summary>
public static class ServerLimits
{
    /// <summary>The longest request line (method, path, query): 8 KiB.</summary>
    public const int RequestLineBytes = 8 << 10;
    /// <summary>All request headers together: 32 KiB, at most 64 of them.</summary>
    public const int HeaderBytes = 32 << 10, HeaderCount = 64;
    /// <summary>A request body (none is expected; WebSocket messages are bounded by <see cref="ThetaServerOptions.MaxMessageBytes"/>): 64 KiB.</summary>
    public const int BodyBytes = 64 << 10;
    /// <summary>Open TCP connections at once: 256 (a page opens ~6 for its files).</summary>
    public const int Connections = 256;
    /// <summary>An idle keep-alive HTTP connection is closed after 30 s; the headers must arrive within 10 s.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(30), HeadersTimeout = TimeSpan.FromSeconds(10);
    /// <summary>WebSockets are pinged every 30 s; one whose peer has not answered within 60 s is closed (a vanished page frees its session).</summary>
    public static readonly TimeSpan WebSocketPing = TimeSpan.FromSeconds(30), WebSocketTimeout = TimeSpan.FromSeconds(60);

    /// <summary>WebSocket connections at once: twice the sessions and 16 more, so a client over the session limit still hears "busy".</summary>
    public static int UpgradedConnections(ThetaServerOptions o) => 2 * o.MaxSessions + 16;

    /// <summary>Sets every limit above on Kestrel.</summary>
    public static void Apply(KestrelServerOptions kestrel, ThetaServerOptions options)
    {
        var l = kestrel.Limits;
        l.MaxRequestLineSize = RequestLineBytes;
        l.MaxRequestHeadersTotalSize = HeaderBytes;
        l.MaxRequestHeaderCount = HeaderCount;
        l.MaxRequestBodySize = BodyBytes;
        l.MaxRequestBufferSize = 1 << 20;
        l.MaxConcurrentConnections = Connections;
        l.MaxConcurrentUpgradedConnections = UpgradedConnections(options);
        l.KeepAliveTimeout = KeepAlive;
        l.RequestHeadersTimeout = HeadersTimeout;
        kestrel.AddServerHeader = false;
    }

    /// <summary>The WebSocket middleware's settings: the ping interval and the timeout for an answer.</summary>
    public static WebSocketOptions WebSockets() => new() { KeepAliveInterval = WebSocketPing, KeepAliveTimeout = WebSocketTimeout };
}
