using System.Collections.Concurrent;
using Vigil.Resp;

namespace Vigil.Integration.Infrastructure;

/// <summary>Subscribes to every event channel of one sentinel (PSUBSCRIBE *) and records what arrives.</summary>
public sealed class SentinelEvents : IAsyncDisposable
{
    private readonly RespTestClient _client;
    private readonly ConcurrentQueue<(string Channel, string Message)> _events = new();
    private readonly ConcurrentQueue<(string Channel, string Message, long AtMs)> _timeline = new();
    private static readonly System.Diagnostics.Stopwatch Clock = System.Diagnostics.Stopwatch.StartNew();

    /// <summary>Now on the clock of <see cref="Timeline"/>, for comparing other observations with events.</summary>
    public static long NowMs => Clock.ElapsedMilliseconds;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;

    private SentinelEvents(RespTestClient client)
    {
        _client = client;
        _reader = Task.Run(ReadLoopAsync);
    }

    public static async Task<SentinelEvents> SubscribeAsync(RunningNode sentinel)
    {
        var client = await sentinel.ConnectAsync();
        await client.CallAsync("PSUBSCRIBE", "*");
        return new SentinelEvents(client);
    }

    public IReadOnlyList<(string Channel, string Message)> All => [.. _events];

    /// <summary>The events with the time each arrived, in ms of one clock shared by every subscription of the test run.</summary>
    public IReadOnlyList<(string Channel, string Message, long AtMs)> Timeline => [.. _timeline];

    public bool Has(string channel, string? containing = null) =>
        _events.Any(e => e.Channel == channel && (containing is null || e.Message.Contains(containing, StringComparison.Ordinal)));

    public string? First(string channel) => _events.FirstOrDefault(e => e.Channel == channel).Message;

    public Task WaitForAsync(string channel, TimeSpan timeout, string? containing = null) =>
        Wait.UntilAsync(() => Has(channel, containing), timeout, $"event {channel} {containing}".Trim());

    private async Task ReadLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var message = await _client.ReadAsync(TimeSpan.FromMinutes(10));
                var items = message switch
                {
                    RespArray array => array.Items,
                    RespPush push => push.Items,
                    _ => [],
                };
                if (items.Count == 4 && items[0] is RespBulkString { Text: "pmessage" })
                {
                    var (channel, text) = (((RespBulkString)items[2]).Text, ((RespBulkString)items[3]).Text);
                    _timeline.Enqueue((channel, text, Clock.ElapsedMilliseconds));
                    _events.Enqueue((channel, text));
                }
            }
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _client.DisposeAsync();
        try { await _reader.WaitAsync(TimeSpan.FromSeconds(5)); } catch (TimeoutException) { }
    }
}
