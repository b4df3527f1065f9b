namespace Vigil.Resp;

/// <summary>The protocol a connection speaks: RESP2 until the client sends <c>HELLO 3</c>.</summary>
public enum RespProtocol
{
    Resp2 = 2,
    Resp3 = 3,
}
