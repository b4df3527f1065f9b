namespace Vigil.Sentinel;

/// <summary>
/// A client's command for the core. Its answer leaves as a <see cref="Reply"/> carrying the same
/// <see cref="RequestId"/> (chosen by the host, unique among its requests in flight); the answers to one host's
/// requests leave in the order the requests came in.
/// </summary>
public abstract record ClientRequest(long NowMs, long RequestId) : Input(NowMs);

/// <summary><c>SENTINEL &lt;args&gt;</c> (<paramref name="Args"/> = the words after SENTINEL).</summary>
public sealed record SentinelRequest(long NowMs, long RequestId, IReadOnlyList<byte[]> Args) : ClientRequest(NowMs, RequestId)
{
    /// <summary>
    /// Which of the script paths the request names (<see cref="Commands.ScriptPathArguments.Of"/>) the host found
    /// to exist and be executable when it received the request; a path not in it is refused as the reference
    /// refuses it. Empty by default, so a host that does not check never gets a script accepted.
    /// </summary>
    public IReadOnlySet<string> ExecutablePaths { get; init; } = NoPaths;

    private static readonly IReadOnlySet<string> NoPaths = new HashSet<string>();
}

/// <summary><c>ROLE</c>: answered <c>["sentinel", [master names...]]</c>.</summary>
public sealed record RoleRequest(long NowMs, long RequestId) : ClientRequest(NowMs, RequestId);

/// <summary>The <c># Sentinel</c> section of INFO: answered as one bulk string of CRLF-terminated lines.</summary>
public sealed record InfoSentinelRequest(long NowMs, long RequestId) : ClientRequest(NowMs, RequestId);

/// <summary><c>PUBLISH __sentinel__:hello &lt;payload&gt;</c> sent to this sentinel: processed as a hello, answered <c>:1</c>.</summary>
public sealed record HelloPublished(long NowMs, long RequestId, string Payload) : ClientRequest(NowMs, RequestId);

/// <summary>What this sentinel knows now: answered by an <see cref="ObservationReply"/> (for the HTTP endpoint).</summary>
public sealed record ObserveRequest(long NowMs, long RequestId) : ClientRequest(NowMs, RequestId);
