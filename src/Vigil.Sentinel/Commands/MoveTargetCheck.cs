using System.Globalization;
using Vigil.Resp;
using Vigil.Sentinel.Links;
using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.Commands;

/// <summary>
/// SENTINEL MOVE-MASTER asks the node it is told to move to for <c>INFO replication</c> before anything changes: the
/// move goes on only if the node answers <c>role:master</c>. The question leaves on a connection of its own (opened
/// with <see cref="OpenLink"/>, authenticated and renamed as the master's links are, closed after the answer); the
/// client's reply waits for the answer, or for <see cref="Limits.MoveTargetCheckMs"/>, checked at each tick. The
/// connection belongs to no record, so the usual link handling never sees it: <see cref="SentinelCore"/> offers every
/// link input here first.
/// </summary>
internal sealed class MoveTargetCheck(CoreClock clock, EffectQueue effects, LinkManager links)
{
    /// <summary>Each pending check by its connection.</summary>
    private readonly Dictionary<LinkId, Pending> _pending = [];

    public int Count => _pending.Count;

    /// <summary>
    /// Asks <paramref name="target"/> its role; <paramref name="onMaster"/> makes the move and gives the reply once the
    /// node answered role:master. Every other outcome answers the request with an error and changes nothing.
    /// </summary>
    public void Start(long requestId, MasterRecord master, InstanceAddress target, Func<RespValue> onMaster)
    {
        var link = links.OpenUnowned(target.ConnectHost, target.Port);
        _pending[link] = new Pending(requestId, master, $"{target.ConnectHost}:{target.Port.ToString(CultureInfo.InvariantCulture)}",
            clock.NowMs + Limits.MoveTargetCheckMs, onMaster);
    }

    /// <summary>The connection is up: authenticate as toward the master's nodes, then ask.</summary>
    public bool OnConnected(LinkConnected input)
    {
        if (!_pending.TryGetValue(input.Link, out var check)) return false;
        var (user, pass) = LinkManager.DataNodeCredentials(check.Master);
        if (pass is not null)
        {
            var auth = LinkManager.MapCommand(check.Master, "AUTH");
            effects.Emit(new SendCommand(input.Link, user is null ? [auth, pass] : [auth, user, pass]));
            check.RepliesToSkip = 1;
        }
        effects.Emit(new SendCommand(input.Link, [LinkManager.MapCommand(check.Master, "INFO"), "replication"]));
        return true;
    }

    public bool OnReply(LinkReply input)
    {
        if (!_pending.TryGetValue(input.Link, out var check)) return false;
        if (check.RepliesToSkip > 0)
        {
            check.RepliesToSkip--;
            return true;
        }
        var role = input.Reply is RespBulkString info ? Role(info.Text) : null;
        Finish(input.Link, role == "master"
            ? check.OnMaster()
            : new RespError(input.Reply is RespError error
                ? $"ERR {check.Target} refused INFO replication ({error.Text}): the master is not moved"
                : $"ERR {check.Target} is not a master (role:{role ?? "unknown"}): the master is not moved"));
        return true;
    }

    public bool OnClosed(LinkClosed input)
    {
        if (!_pending.TryGetValue(input.Link, out var check)) return false;
        _pending.Remove(input.Link);
        effects.EmitReply(check.RequestId, new RespError($"ERR {check.Target} could not be asked its role ({input.Reason}): the master is not moved"));
        return true;
    }

    /// <summary>Checks past their deadline are answered with an error.</summary>
    public void OnTick()
    {
        foreach (var (link, check) in _pending.ToList())
        {
            if (clock.NowMs < check.DeadlineMs) continue;
            Finish(link, new RespError($"ERR {check.Target} did not answer INFO replication within {Limits.MoveTargetCheckMs} ms: the master is not moved"));
        }
    }

    private void Finish(LinkId link, RespValue reply)
    {
        var check = _pending[link];
        _pending.Remove(link);
        effects.Emit(new CloseLink(link));
        effects.EmitReply(check.RequestId, reply);
    }

    /// <summary>The <c>role:</c> field of an INFO text.</summary>
    private static string? Role(string info)
    {
        foreach (var line in info.Split('\n'))
        {
            if (line.StartsWith("role:", StringComparison.Ordinal)) return line[5..].TrimEnd('\r');
        }
        return null;
    }

    private sealed class Pending(long requestId, MasterRecord master, string target, long deadlineMs, Func<RespValue> onMaster)
    {
        public long RequestId { get; } = requestId;
        public MasterRecord Master { get; } = master;
        public string Target { get; } = target;
        public long DeadlineMs { get; } = deadlineMs;
        public Func<RespValue> OnMaster { get; } = onMaster;
        public int RepliesToSkip { get; set; }
    }
}
