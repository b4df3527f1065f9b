using System.Globalization;
using System.Net.Sockets;
using Vigil.Resp;

namespace Vigil.Demo;

/// <summary>
/// The demo's application: finds the master through the sentinels (<c>SENTINEL GET-MASTER-ADDR-BY-NAME</c>,
/// asked in turn, the first answer wins, and <c>+switch-master</c> as soon as a sentinel announces it) and
/// writes <c>SET demo:N N</c> one at a time, about once a millisecond. It remembers every acknowledged N,
/// so the writes lost in a failover can be counted by reading them back, and when writes stopped and resumed,
/// which is what its users would see as unavailability.
/// </summary>
internal sealed class WritingClient(DemoClock clock, IReadOnlyList<DemoNode> sentinels, Action<string> report)
{
    /// <summary>A pause between acknowledgements longer than this counts as unavailability.</summary>
    public const double GapThresholdMs = 50;

    private const int KeysPerRead = 1000;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromMilliseconds(1000);
    private static readonly TimeSpan SentinelTimeout = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(20);

    private readonly Lock _gate = new();
    private readonly List<long> _acked = [];
    private readonly Dictionary<int, (double AtMs, double? PreviousAckAtMs)> _firstAckByPort = [];
    private CancellationTokenSource? _connectionCancel;
    private int? _connectedPort;
    private int? _announcedPort;
    private double? _lastAckAtMs;
    private long _errors;
    private bool _failing;

    public long AckedCount { get { lock (_gate) return _acked.Count; } }
    public long ErrorCount => Interlocked.Read(ref _errors);

    /// <summary>When the first write acknowledged by that master arrived, or null.</summary>
    public double? FirstAckAtMs(int port) { lock (_gate) return _firstAckByPort.TryGetValue(port, out var first) ? first.AtMs : null; }

    /// <summary>
    /// The client's write unavailability in a failover: from the last write acknowledged anywhere before the
    /// first one acknowledged by the new master, to that one. Null if the new master never acknowledged one.
    /// </summary>
    public (double FromMs, double ToMs)? SwitchGap(int newMasterPort)
    {
        lock (_gate)
        {
            return _firstAckByPort.TryGetValue(newMasterPort, out var first) && first.PreviousAckAtMs is { } before
                ? (before, first.AtMs)
                : null;
        }
    }

    /// <summary>Since when no write has been acknowledged (null while writes go through).</summary>
    public double? UnavailableSinceMs(double nowMs)
    {
        lock (_gate) return _lastAckAtMs is { } last && nowMs - last > GapThresholdMs ? last : null;
    }

    /// <summary>A sentinel announced a new master: go there now, abandoning a write still waiting on the old one.</summary>
    public void OnSwitchMaster(int port)
    {
        lock (_gate)
        {
            _announcedPort = port;
            if (_connectedPort != port) _connectionCancel?.Cancel();
        }
    }

    public async Task RunAsync(CancellationToken stop)
    {
        long n = 0;
        while (!stop.IsCancellationRequested)
        {
            var port = TakeAnnouncedPort() ?? await AskSentinelsAsync(stop).ConfigureAwait(false);
            if (port is not { } masterPort)
            {
                await Task.Delay(RetryDelay, stop).ConfigureAwait(false);
                continue;
            }
            using var connectionCancel = CancellationTokenSource.CreateLinkedTokenSource(stop);
            lock (_gate) _connectionCancel = connectionCancel;
            try
            {
                await using var connection = await RespConnection.ConnectAsync(masterPort, ConnectTimeout, connectionCancel.Token).ConfigureAwait(false);
                Connected(masterPort);
                while (true)
                {
                    var key = ++n;
                    var value = key.ToString(CultureInfo.InvariantCulture);
                    var reply = await connection.CallAsync(WriteTimeout, connectionCancel.Token, "SET", "demo:" + value, value).ConfigureAwait(false);
                    if (reply is not RespSimpleString { Text: "OK" })
                    {
                        Failed(masterPort, "answered " + (RespReplies.Text(reply) ?? (reply as RespError)?.Text ?? reply.GetType().Name));
                        break;
                    }
                    Acknowledged(masterPort, key);
                    await Task.Delay(1, stop).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (OperationCanceledException)
            {
                int? announced;
                lock (_gate) announced = _announcedPort;
                Failed(masterPort, announced is { } next && next != masterPort
                    ? $"abandoned: the sentinels announced 127.0.0.1:{next}"
                    : $"no reply within {WriteTimeout.TotalMilliseconds:0} ms");
            }
            catch (Exception ex) when (ex is SocketException or IOException)
            {
                Failed(masterPort, ex.Message);
            }
            finally
            {
                lock (_gate)
                {
                    _connectionCancel = null;
                    _connectedPort = null;
                }
            }
            await Task.Delay(RetryDelay, stop).ConfigureAwait(false);
        }
    }

    private int? TakeAnnouncedPort()
    {
        lock (_gate)
        {
            var port = _announcedPort;
            _announcedPort = null;
            return port;
        }
    }

    private async Task<int?> AskSentinelsAsync(CancellationToken stop)
    {
        foreach (var sentinel in sentinels)
        {
            try
            {
                await using var connection = await RespConnection.ConnectAsync(sentinel.Port, SentinelTimeout, stop).ConfigureAwait(false);
                var reply = await connection.CallAsync(SentinelTimeout, stop, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", DemoTopology.MasterName).ConfigureAwait(false);
                if (RespReplies.AddressPort(reply) is { } port) return port;
            }
            catch (Exception ex) when (ex is SocketException or IOException || (ex is OperationCanceledException && !stop.IsCancellationRequested))
            {
                // Ask the next one.
            }
        }
        return null;
    }

    private void Connected(int port)
    {
        lock (_gate)
        {
            _connectedPort = port;
            if (_announcedPort == port) _announcedPort = null;
        }
    }

    private void Acknowledged(int port, long key)
    {
        var now = clock.NowMs;
        string? line = null;
        lock (_gate)
        {
            _acked.Add(key);
            if (_firstAckByPort.TryAdd(port, (now, _lastAckAtMs)))
            {
                line = _lastAckAtMs is { } before
                    ? $"client: writes acknowledged by 127.0.0.1:{port}, {now - before:0} ms after the last one"
                    : $"client: writing to 127.0.0.1:{port}";
            }
            else if (_failing)
            {
                line = $"client: writes acknowledged again by 127.0.0.1:{port}, {now - _lastAckAtMs:0} ms after the last one";
            }
            _failing = false;
            _lastAckAtMs = now;
        }
        if (line is not null) report(line);
    }

    private void Failed(int port, string reason)
    {
        Interlocked.Increment(ref _errors);
        bool first;
        lock (_gate)
        {
            first = !_failing;
            _failing = true;
        }
        if (first) report($"client: write to 127.0.0.1:{port} failed ({reason}); asking the sentinels");
    }

    /// <summary>Reads every acknowledged key back from <paramref name="masterPort"/>; returns how many are missing or wrong.</summary>
    public async Task<(long Checked, long Lost)> CountLostAsync(int masterPort, CancellationToken cancel)
    {
        long[] acked;
        lock (_gate) acked = [.. _acked];
        long lost = 0;
        await using var connection = await RespConnection.ConnectAsync(masterPort, ConnectTimeout, cancel).ConfigureAwait(false);
        for (var start = 0; start < acked.Length; start += KeysPerRead)
        {
            var batch = acked.AsSpan(start, Math.Min(KeysPerRead, acked.Length - start)).ToArray();
            string[] command = ["MGET", .. batch.Select(key => "demo:" + key.ToString(CultureInfo.InvariantCulture))];
            var values = RespReplies.Items(await connection.CallAsync(TimeSpan.FromSeconds(10), cancel, command).ConfigureAwait(false));
            for (var i = 0; i < batch.Length; i++)
            {
                var expected = batch[i].ToString(CultureInfo.InvariantCulture);
                if (i >= values.Count || RespReplies.Text(values[i]) != expected) lost++;
            }
        }
        return (acked.Length, lost);
    }
}
