using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Theta.Web;

/// <summary>A message for the page: its bytes, and whether it is a binary frame (else JSON text).</summary>
internal readonly record struct Outgoing(byte[] Data, bool Binary);

/// <summary>
/// The two halves of a live demo's session over one WebSocket: a producer that sends frames on its own clock
/// (training, ticking), and a reader that answers the page's messages, each bounded by <c>maxBytes</c>. Sends are
/// serialised. A message that fails to be answered gets <c>{"type":"error","message":…}</c> and costs that message
/// only, never the session; closing the page stops the producer.
/// </summary>
internal static class SessionLoop
{
    /// <param name="greeting">Sent first, before the producer starts.</param>
    /// <param name="produce">Runs until its token is cancelled, sending with the function it is given.</param>
    /// <param name="handle">Answers one message with the replies to send (an <see cref="ArgumentException"/> is the page's mistake).</param>
    public static async Task RunAsync(WebSocket ws, int maxBytes, IEnumerable<Outgoing> greeting,
        Func<Func<Outgoing, Task>, CancellationToken, Task> produce, Func<WsMessage, IReadOnlyList<Outgoing>> handle, CancellationToken ct)
    {
        var gate = new SemaphoreSlim(1, 1);
        async Task Send(Outgoing o)
        {
            await gate.WaitAsync(ct);
            try { await ws.SendAsync(o.Data, o.Binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, true, ct); }
            finally { gate.Release(); }
        }
        foreach (var g in greeting) await Send(g);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = Task.Run(() => produce(Send, stop.Token), stop.Token);
        try
        {
            while (ws.State == WebSocketState.Open)
            {
                var m = await BoundedMessages.ReadAsync(ws, maxBytes, ct);
                if (m is null) { await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", ct); return; }
                if (m.TooLarge) { await Send(Error($"a message of {m.Length} bytes is over the limit of {maxBytes} bytes")); continue; }
                IReadOnlyList<Outgoing> replies;
                try { replies = handle(m); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // NOTE: any failure answering a message (a network that loads but fails on a drawing, a bug)
                    // costs that message only, never the session.
                    await Send(Error(e is ArgumentException ? e.Message : $"a bad message: {e.Message}"));
                    continue;
                }
                foreach (var r in replies) await Send(r);
            }
        }
        finally
        {
            stop.Cancel();
            try { await producer; } catch (OperationCanceledException) { } catch (WebSocketException) { }
        }
    }

    /// <summary>
    /// A producer for <see cref="RunAsync"/> that works frame by frame: <paramref name="frame"/> does one frame's work
    /// (given the milliseconds since the frame began, for its budget) and returns what to send, if anything, and the
    /// frame's length in ms; the loop sends it and waits out the rest of the frame.
    /// </summary>
    public static async Task Paced(Func<Func<long>, (Outgoing? Frame, int FrameMs)> frame, Func<Outgoing, Task> send, CancellationToken stop)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!stop.IsCancellationRequested)
        {
            long start = clock.ElapsedMilliseconds;
            (Outgoing? Frame, int FrameMs) step;
            try { step = frame(() => clock.ElapsedMilliseconds - start); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await send(Error($"the session stopped: {e.Message}")); // the page hears why its frames ended
                throw;
            }
            var (data, frameMs) = step;
            if (data is { } d) await send(d);
            long wait = frameMs - (clock.ElapsedMilliseconds - start);
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, wait)), stop);
        }
    }

    /// <summary>The JSON error text <c>{"type":"error","message":…}</c>.</summary>
    public static Outgoing Error(string message) => new(Encoding.UTF8.GetBytes(new JsonObject { ["type"] = "error", ["message"] = message }.ToJsonString()), false);
}
