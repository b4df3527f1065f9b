using System.Globalization;
using Vigil.Resp;

namespace Vigil.Sentinel.Tests.Support;

/// <summary>
/// A small model of a Redis instance's replication state, enough for failovers: role, the master it follows,
/// offsets, priority, MULTI/EXEC, SLAVEOF, CLIENT PAUSE. Its INFO is rendered from that state, and a master lists as
/// replicas the modelled nodes that follow it.
/// </summary>
internal sealed class RedisModel(FakeNode self, IReadOnlyDictionary<(string Ip, int Port), FakeNode> nodes, string runId)
{
    private readonly List<IReadOnlyList<string>> _queued = [];
    private bool _inMulti;

    public string RunId { get; set; } = runId;
    public bool IsMaster { get; set; } = true;
    public string? MasterHost { get; set; }
    public int MasterPort { get; set; }

    /// <summary>master_repl_offset of a master; the offset processed so far by a replica.</summary>
    public long Offset { get; set; }

    /// <summary>A replica stays this many bytes behind its master (0: caught up at every INFO).</summary>
    public long LagBytes { get; set; }

    public int Priority { get; set; } = 100;

    /// <summary>Seconds since this replica last acknowledged its master: the <c>lag</c> its master reports.</summary>
    public int AckLagSeconds { get; set; }

    /// <summary>
    /// The answer to WAIT (the fence's acknowledgement probe); null: the replicas that follow this node and
    /// acknowledge, as its INFO would count them.
    /// </summary>
    public Func<RespValue>? WaitAnswer { get; set; }

    /// <summary>The replica never had a working link since it started (<c>master_link_down_since_seconds:-1</c>).</summary>
    public bool NeverLinked { get; set; }

    public int LinkDownSeconds { get; set; } = 1;

    /// <summary>CLIENT PAUSE ... WRITE is refused (Redis before 6.2).</summary>
    public bool RefusesPause { get; set; }

    /// <summary>SLAVEOF &lt;host&gt; &lt;port&gt; is accepted but never acted upon (a stuck replica).</summary>
    public bool IgnoresSlaveof { get; set; }

    /// <summary>Whether writes are paused (CLIENT PAUSE ... WRITE), and what was asked.</summary>
    public bool WritesPaused { get; set; }
    public List<string> PauseCommands { get; } = [];

    /// <summary>Every SLAVEOF applied, as "NO ONE" or "host port", in order.</summary>
    public List<string> SlaveofHistory { get; } = [];

    /// <summary>Every EXEC'd transaction's commands.</summary>
    public List<IReadOnlyList<IReadOnlyList<string>>> Transactions { get; } = [];

    public void Follow(string host, int port)
    {
        IsMaster = false;
        MasterHost = host;
        MasterPort = port;
    }

    /// <summary>A client writes <paramref name="bytes"/> to this master (refused while paused).</summary>
    public bool Write(long bytes)
    {
        if (!IsMaster || WritesPaused) return false;
        Offset += bytes;
        return true;
    }

    private FakeNode? MasterNode => MasterHost is null ? null : nodes.GetValueOrDefault((MasterHost, MasterPort));

    private bool LinkUp => !NeverLinked && MasterNode is { Up: true, Frozen: false, Model.IsMaster: true };

    public RespValue? Answer(IReadOnlyList<string> args)
    {
        string name = args[0].ToUpperInvariant();
        if (_inMulti && name is not ("EXEC" or "DISCARD"))
        {
            _queued.Add(args);
            return new RespSimpleString("QUEUED");
        }
        switch (name)
        {
            case "MULTI":
                _inMulti = true;
                _queued.Clear();
                return RespValue.Ok;
            case "EXEC":
                _inMulti = false;
                Transactions.Add(_queued.ToList());
                var replies = _queued.Select(Apply).ToList();
                _queued.Clear();
                return new RespArray(replies);
            case "INFO":
                return RespValue.Bulk(Render());
            case "WAIT":
                return WaitAnswer?.Invoke() ?? RespValue.Integer(Replicas().Count(r => r.Model!.AckLagSeconds <= 1));
            case "SLAVEOF":
            case "CLIENT":
            case "CONFIG":
                return Apply(args);
            default:
                return null;
        }
    }

    private RespValue Apply(IReadOnlyList<string> args)
    {
        string name = args[0].ToUpperInvariant();
        if (name == "SLAVEOF")
        {
            if (args[1].Equals("NO", StringComparison.OrdinalIgnoreCase))
            {
                CatchUp();
                IsMaster = true;
                MasterHost = null;
                SlaveofHistory.Add("NO ONE");
            }
            else if (!IgnoresSlaveof)
            {
                Follow(args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
                SlaveofHistory.Add($"{args[1]} {args[2]}");
            }
            WritesPaused = false; // a demoted master refuses writes anyway; our model keeps it simple
            return RespValue.Ok;
        }
        if (name == "CLIENT" && args.Count > 1)
        {
            string sub = args[1].ToUpperInvariant();
            if (sub == "PAUSE" && RefusesPause) return new RespError("ERR syntax error");
            if (sub == "PAUSE")
            {
                PauseCommands.Add(string.Join(' ', args));
                WritesPaused = true;
            }
            else if (sub == "UNPAUSE")
            {
                PauseCommands.Add(string.Join(' ', args));
                WritesPaused = false;
            }
        }
        return RespValue.Ok;
    }

    private void CatchUp()
    {
        if (!IsMaster && LinkUp && MasterNode!.Model is { } master) Offset = Math.Max(Offset, master.Offset - LagBytes);
    }

    private List<FakeNode> Replicas() =>
        nodes.Values.Where(n => n.Model is { IsMaster: false } m && m.MasterHost == self.Ip && m.MasterPort == self.Port).ToList();

    public string Render()
    {
        CatchUp();
        var lines = new List<string> { "# Server", "redis_version:7.0.15", $"run_id:{RunId}", "", "# Replication" };
        if (IsMaster)
        {
            var replicas = Replicas();
            lines.Add("role:master");
            lines.Add($"connected_slaves:{replicas.Count}");
            for (int i = 0; i < replicas.Count; i++)
            {
                lines.Add($"slave{i}:ip={replicas[i].Ip},port={replicas[i].Port},state=online,offset={replicas[i].Model!.Offset},lag={replicas[i].Model!.AckLagSeconds}");
            }
            lines.Add($"master_repl_offset:{Offset}");
        }
        else
        {
            bool up = LinkUp;
            lines.Add("role:slave");
            lines.Add($"master_host:{MasterHost}");
            lines.Add($"master_port:{MasterPort}");
            lines.Add($"master_link_status:{(up ? "up" : "down")}");
            if (!up) lines.Add($"master_link_down_since_seconds:{(NeverLinked ? -1 : LinkDownSeconds)}");
            lines.Add($"slave_repl_offset:{Offset}");
            lines.Add($"slave_priority:{Priority}");
            lines.Add("slave_read_only:1");
            lines.Add("replica_announced:1");
            lines.Add($"master_repl_offset:{Offset}");
        }
        return string.Join("\r\n", lines) + "\r\n";
    }
}
