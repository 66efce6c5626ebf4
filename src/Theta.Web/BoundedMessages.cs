using System.Net.WebSockets;

namespace Theta.Web;

/// <summary>One whole WebSocket message: text or binary, its bytes, or <c>TooLarge</c> when it passed the bound (its rest was discarded).</summary>
internal sealed record WsMessage(WebSocketMessageType Type, byte[] Data, bool TooLarge, int Length)
{
    /// <summary>
    /// The message as a JSON object with a string "type" (what the playground and critter pages send); a binary
    /// message, malformed JSON or a missing type is an error naming <paramref name="page"/>. The caller disposes it.
    /// </summary>
    public System.Text.Json.JsonDocument ParseTypedJson(string page, out string type)
    {
        if (Type != WebSocketMessageType.Text) throw new ArgumentException($"{page} takes JSON text messages only");
        var doc = System.Text.Json.JsonDocument.Parse(Data);
        var root = doc.RootElement;
        if (root.ValueKind != System.Text.Json.JsonValueKind.Object || !root.TryGetProperty("type", out var t)
            || t.ValueKind != System.Text.Json.JsonValueKind.String)
        {
            doc.Dispose();
            throw new ArgumentException("a message must be a JSON object with a \"type\"");
        }
        type = t.GetString()!;
        return doc;
    }
}

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
