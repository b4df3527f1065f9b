namespace Vigil.Resp;

/// <summary>Outcome of one attempt to read a value or a request from buffered bytes.</summary>
public enum RespReadResult
{
    /// <summary>The bytes end before the frame does. Keep them and read again when more arrive.</summary>
    NeedMoreData,

    /// <summary>A whole frame was read and the reader advanced past it.</summary>
    Complete,

    /// <summary>The bytes can never become a valid frame; the connection must be dropped.</summary>
    ProtocolError,
}
