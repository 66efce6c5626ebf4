using System.Net.WebSockets;

namespace Theta.Web;

/// <summary>One whole WebSocket message: text or binary, its bytes, or <c>TooLarge</c> when it passed the bound (its rest was discarded).</summary>
internal sealed record WsMessage(WebSocketMessageType Type, byte[] Data, bool TooLarge, int Length);

/// <summary>Reads WebSocket messages with a size bound, so no page can make the server hold more than the bound.</summary>
internal static class BoundedMessages
{
    /// <summary>The next message, or null when the peer closed. A message over <paramref name="maxBytes"/> is read to its end and dropped.</summary>
    public static async Task<WsMessage?> ReadAsync(WebSocket ws, int maxBytes, CancellationToken ct)
    {
        var chunk = new byte[16 * 1024];
        using var buffer = new MemoryStream();
        long total = 0;
        while (true)
        {
            var r = await ws.ReceiveAsync(chunk, ct);
            if (r.MessageType == WebSocketMessageType.Close) return null;
            total += r.Count;
            if (total <= maxBytes) buffer.Write(chunk, 0, r.Count);
            if (r.EndOfMessage)
                return total > maxBytes ? new WsMessage(r.MessageType, [], true, (int)Math.Min(total, int.MaxValue)) : new WsMessage(r.MessageType, buffer.ToArray(), false, (int)total);
        }
    }
}
