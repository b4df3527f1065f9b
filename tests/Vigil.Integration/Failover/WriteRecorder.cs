using StackExchange.Redis;

namespace Vigil.Integration.Failover;

/// <summary>
/// Writes one new key after another (<c>w:&lt;id&gt;</c> = id) through a client until stopped, and remembers
/// which writes the server acknowledged. Ids are handed out in order, so "issued after X" is "id ≥ the next
/// id when X happened".
/// </summary>
internal sealed class WriteRecorder(IDatabase database)
{
    private readonly List<long> _acked = [];
    private readonly List<long> _ackedAtMs = [];
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private long _nextId;
    private int _failures;
    private string? _lastFailure;

    public static string Key(long id) => "w:" + id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public long NextId => Interlocked.Read(ref _nextId);
    public int Failures => Volatile.Read(ref _failures);
    public string? LastFailure => Volatile.Read(ref _lastFailure);

    public IReadOnlyList<long> Acked
    {
        get { lock (_acked) return [.. _acked]; }
    }

    public long LastAcked
    {
        get { lock (_acked) return _acked.Count == 0 ? -1 : _acked[^1]; }
    }

    /// <summary>The longest time between two acknowledgements, counting those that end with a write from <paramref name="fromId"/> on (ms).</summary>
    public long LongestGapMs(long fromId)
    {
        lock (_acked)
        {
            long longest = 0;
            for (var i = 1; i < _acked.Count; i++)
            {
                if (_acked[i] >= fromId) longest = Math.Max(longest, _ackedAtMs[i] - _ackedAtMs[i - 1]);
            }
            return longest;
        }
    }

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var id = Interlocked.Increment(ref _nextId) - 1;
            try
            {
                if (await database.StringSetAsync(Key(id), id))
                {
                    lock (_acked)
                    {
                        _acked.Add(id);
                        _ackedAtMs.Add(_clock.ElapsedMilliseconds);
                    }
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Not acknowledged: it may or may not have been applied, and nothing is claimed about it.
                Interlocked.Increment(ref _failures);
                Volatile.Write(ref _lastFailure, ex.GetType().Name + ": " + ex.Message);
            }
            // A steady pace (about 200 writes a second) rather than a busy loop on a shared machine.
            try { await Task.Delay(5, stop); } catch (OperationCanceledException) { }
        }
    }
}
