using System.Collections.Concurrent;
using System.Globalization;
using Vigil.Resp;

namespace Vigil.Integration.Infrastructure;

/// <summary>
/// A client beside a node: writes <c>SET w:&lt;n&gt; n</c> to one address every 5 ms from a given source address,
/// recording when each write was acknowledged (on <see cref="SentinelEvents.NowMs"/>'s clock). A write that fails
/// or hangs past the timeout is not acknowledged; the client reconnects and goes on.
/// </summary>
public sealed class BoxWriter : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly string _host;
    private readonly int _port;
    private readonly string _source;

    public BoxWriter(string host, int port, string source)
    {
        (_host, _port, _source) = (host, port, source);
        _loop = Task.Run(LoopAsync);
    }

    public ConcurrentQueue<(long N, long AtMs)> Acknowledged { get; } = new();

    private async Task LoopAsync()
    {
        long n = 0;
        RespTestClient? client = null;
        var started = SentinelEvents.NowMs;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                client ??= await RespTestClient.ConnectAsync(_host, _port, _source);
                n++;
                await client.SendRawAsync(Command("SET", $"w:{n.ToString(CultureInfo.InvariantCulture)}", n.ToString(CultureInfo.InvariantCulture)));
                if (await client.ReadAsync(TimeSpan.FromSeconds(20)) is RespSimpleString { Text: "OK" }) Acknowledged.Enqueue((n, SentinelEvents.NowMs));
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or OperationCanceledException or EndOfStreamException)
            {
                if (client is not null) await client.DisposeAsync();
                client = null;
                await Task.Delay(50);
                continue;
            }
            long due = started + n * 5 - SentinelEvents.NowMs;
            if (due > 0) await Task.Delay(TimeSpan.FromMilliseconds(due));
        }
        if (client is not null) await client.DisposeAsync();
    }

    private static byte[] Command(params string[] args)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        RespWriter.WriteCommand(buffer, args);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The acknowledged writes (with their times) that <paramref name="node"/> does not hold.</summary>
    public async Task<List<(long N, long AtMs)>> MissingOnAsync(RunningNode node)
    {
        var missing = new List<(long N, long AtMs)>();
        await using var client = await node.ConnectAsync();
        foreach (var chunk in Acknowledged.ToArray().Chunk(500))
        {
            var reply = await client.CallAsync(["MGET", .. chunk.Select(w => $"w:{w.N.ToString(CultureInfo.InvariantCulture)}")]);
            var values = ((RespArray)reply).Items;
            for (int i = 0; i < chunk.Length; i++)
            {
                if (values[i] is RespNull) missing.Add(chunk[i]);
            }
        }
        return missing;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
    }
}
