using System.Diagnostics.CodeAnalysis;
using Vigil.Resp;
using Vigil.Sentinel.Config;

namespace Vigil.Sentinel;

// Temporary seam stub so the host compiles; replaced by the real core.
public sealed class SentinelCore
{
    private readonly SentinelConfig _config;
    public SentinelCore(SentinelConfig config, SentinelState? persisted, CoreOptions options)
    {
        _config = config;
        MyId = persisted?.MyId ?? config.Sentinel.MyId ?? new string('0', 40);
    }
    public string MyId { get; }
    public void Handle(Input input) { }
    public bool TryDequeueEffect([NotNullWhen(true)] out Effect? effect) { effect = null; return false; }
    public long NextWakeMs => long.MaxValue;
    public RespValue ExecuteSentinel(IReadOnlyList<byte[]> args, long nowMs) => RespValue.Error("ERR not yet");
    public RespValue ExecuteRole() => RespValue.Array(RespValue.Bulk("sentinel"), new RespArray(_config.Masters.Select(m => (RespValue)RespValue.Bulk(m.Name)).ToArray()));
    public string InfoSentinelSection(long nowMs) => "# Sentinel\r\nsentinel_masters:0\r\n";
    public SentinelState SnapshotState() => new() { MyId = MyId };
    public RespValue AcceptHelloPublish(string payload, long nowMs) => RespValue.Integer(1);
}
public sealed record CoreOptions { public int RandomSeed { get; init; } public int ListeningPort { get; init; } public long StartNowMs { get; init; } public string Version { get; init; } = "7.0.15"; public Func<string, bool>? IsExecutable { get; init; } }
public sealed record SentinelState { public string? MyId { get; init; } }
public abstract record Input(long NowMs);
public sealed record Tick(long NowMs) : Input(NowMs);
public readonly record struct LinkId(int Value);
public enum LinkRole { Command, PubSub }
public sealed record LinkConnected(LinkId Link, string LocalIp, long NowMs) : Input(NowMs);
public sealed record LinkClosed(LinkId Link, string Reason, long NowMs) : Input(NowMs);
public sealed record LinkReply(LinkId Link, RespValue Reply, long NowMs) : Input(NowMs);
public abstract record Effect;
public sealed record OpenLink(LinkId Link, string Host, int Port, LinkRole Role, string? SourceAddress) : Effect;
public sealed record SendCommand(LinkId Link, IReadOnlyList<string> Args) : Effect;
public sealed record CloseLink(LinkId Link) : Effect;
public sealed record PublishEvent(string Channel, string Message) : Effect;
public sealed record Log(LogLevel Level, string Message) : Effect;
public sealed record PersistState(SentinelState State) : Effect;
public sealed record Exit(int Code, string Reason) : Effect;
public static class SentinelStateSerializer
{
    public static byte[] Serialize(SentinelState state) => System.Text.Encoding.UTF8.GetBytes(state.MyId ?? "");
    public static SentinelState Deserialize(byte[] bytes) => new() { MyId = System.Text.Encoding.UTF8.GetString(bytes) };
}
