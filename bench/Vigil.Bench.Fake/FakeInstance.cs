using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Vigil.Bench.Fake;

/// <summary>
/// One simulated Redis: its role, its master or replicas, its run id and its pub/sub subscribers. What the
/// sentinel reads (INFO replication, ROLE) is rendered from this state in Redis 7.0's format; REPLICAOF
/// changes it as it would change a real server's. The replication offset is the same clock for every
/// instance, so every replica is always fully caught up.
/// </summary>
public sealed class FakeInstance
{
    private static readonly long StartTimestamp = Stopwatch.GetTimestamp();
    private readonly Lock _gate = new();
    private readonly List<FakeInstance> _replicas = [];
    private readonly List<FakeConnection> _subscribers = [];
    private TaskCompletionSource? _frozen;

    public FakeInstance(int port)
    {
        Port = port;
        RunId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        ReplicationId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
    }

    public int Port { get; }
    public string RunId { get; }
    public string ReplicationId { get; }
    public FakeInstance? Master { get; private set; }

    public static long Offset => (long)Stopwatch.GetElapsedTime(StartTimestamp).TotalMilliseconds * 10;

    /// <summary>Completes when the instance is not frozen (at once unless it is): commands wait, as during DEBUG SLEEP.</summary>
    public Task Awake
    {
        get
        {
            lock (_gate) return _frozen?.Task ?? Task.CompletedTask;
        }
    }

    public void Freeze()
    {
        lock (_gate) _frozen ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Thaw()
    {
        TaskCompletionSource? frozen;
        lock (_gate)
        {
            frozen = _frozen;
            _frozen = null;
        }
        frozen?.TrySetResult();
    }

    /// <summary>REPLICAOF host port (a fleet member), or REPLICAOF NO ONE when <paramref name="master"/> is null.</summary>
    public void ReplicateFrom(FakeInstance? master)
    {
        var previous = Master;
        if (previous == master) return;
        previous?.RemoveReplica(this);
        Master = master;
        master?.AddReplica(this);
    }

    private void AddReplica(FakeInstance replica)
    {
        lock (_gate) if (!_replicas.Contains(replica)) _replicas.Add(replica);
    }

    private void RemoveReplica(FakeInstance replica)
    {
        lock (_gate) _replicas.Remove(replica);
    }

    public int Subscribe(FakeConnection connection)
    {
        lock (_gate)
        {
            if (!_subscribers.Contains(connection)) _subscribers.Add(connection);
            return _subscribers.Count;
        }
    }

    public void Unsubscribe(FakeConnection connection)
    {
        lock (_gate) _subscribers.Remove(connection);
    }

    /// <summary>Delivers to every subscriber of <paramref name="channel"/> on this instance; returns how many got it.</summary>
    public int Publish(byte[] channel, byte[] message)
    {
        FakeConnection[] subscribers;
        lock (_gate) subscribers = [.. _subscribers];
        var delivered = 0;
        foreach (var subscriber in subscribers)
        {
            if (subscriber.Deliver(channel, message)) delivered++;
        }
        return delivered;
    }

    public string Info()
    {
        var offset = Offset;
        var text = new StringBuilder(512);
        text.Append("# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n")
            .Append("run_id:").Append(RunId).Append("\r\ntcp_port:").Append(Port).Append("\r\n\r\n# Replication\r\n");
        var master = Master;
        if (master is null)
        {
            FakeInstance[] replicas;
            lock (_gate) replicas = [.. _replicas];
            text.Append("role:master\r\nconnected_slaves:").Append(replicas.Length).Append("\r\n");
            for (var i = 0; i < replicas.Length; i++)
            {
                text.Append("slave").Append(i).Append(":ip=127.0.0.1,port=").Append(replicas[i].Port)
                    .Append(",state=online,offset=").Append(offset).Append(",lag=0\r\n");
            }
        }
        else
        {
            text.Append("role:slave\r\nmaster_host:127.0.0.1\r\nmaster_port:").Append(master.Port)
                .Append("\r\nmaster_link_status:up\r\nmaster_last_io_seconds_ago:0\r\nmaster_sync_in_progress:0\r\n")
                .Append("slave_read_repl_offset:").Append(offset).Append("\r\nslave_repl_offset:").Append(offset)
                .Append("\r\nslave_priority:100\r\nslave_read_only:1\r\nreplica_announced:1\r\nconnected_slaves:0\r\n");
        }
        text.Append("master_failover_state:no-failover\r\nmaster_replid:").Append(ReplicationId)
            .Append("\r\nmaster_replid2:0000000000000000000000000000000000000000\r\nmaster_repl_offset:").Append(offset)
            .Append("\r\nsecond_repl_offset:-1\r\nrepl_backlog_active:1\r\n");
        return text.ToString();
    }
}
