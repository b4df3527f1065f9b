using System.Buffers;
using Vigil.Resp;

namespace Vigil.Server.Commands;

/// <summary>
/// A reply already encoded for each protocol, for an answer many clients are given unchanged: writing it is a copy,
/// not a walk over a <see cref="RespValue"/> that formats its lengths again for every client.
/// </summary>
public sealed class EncodedReply
{
    private readonly byte[] _resp2;
    private readonly byte[] _resp3;

    public EncodedReply(RespValue value)
    {
        _resp2 = Encode(value, RespProtocol.Resp2);
        _resp3 = Encode(value, RespProtocol.Resp3);
    }

    public ReadOnlySpan<byte> For(RespProtocol protocol) => protocol == RespProtocol.Resp3 ? _resp3 : _resp2;

    private static byte[] Encode(RespValue value, RespProtocol protocol)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        RespWriter.Write(buffer, value, protocol);
        return buffer.WrittenSpan.ToArray();
    }
}
