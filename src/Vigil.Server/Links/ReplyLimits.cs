using Vigil.Resp;

namespace Vigil.Server.Links;

/// <summary>
/// What a reply on a link to a Redis instance or a peer sentinel may be. The largest thing either really sends us is
/// INFO: a few kilobytes, some hundreds with thousands of replicas or databases. Every other reply is a status, a
/// number, or an array of a handful of items (EXEC's results, a pub/sub message, a peer's answer). The client-side
/// defaults (512 MB strings, 16 M elements) would let a hostile instance make us buffer half a gigabyte before a
/// single byte is parsed; these bounds close the link instead, and the core reconnects later.
/// </summary>
public static class ReplyLimits
{
    public static RespLimits Outbound { get; } = new()
    {
        MaxDepth = 8,
        MaxBulkBytes = 8 * 1024 * 1024,
        MaxAggregateLength = 1024,
        MaxLineBytes = 64 * 1024,
        MaxFrameBytes = 8 * 1024 * 1024 + 64 * 1024,
    };
}
