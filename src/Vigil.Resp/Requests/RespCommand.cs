namespace Vigil.Resp;

/// <summary>One request from a client: its arguments, the command name first, each as the bytes sent.</summary>
public readonly struct RespCommand
{
    private readonly IReadOnlyList<byte[]>? args;

    public RespCommand(IReadOnlyList<byte[]> args, bool isInline)
    {
        ArgumentNullException.ThrowIfNull(args);
        this.args = args;
        IsInline = isInline;
    }

    /// <summary>Never empty for a command returned by <see cref="RequestReader"/>.</summary>
    public IReadOnlyList<byte[]> Args => args ?? [];

    /// <summary>True when the client typed the command as a line (telnet style) instead of a RESP array.</summary>
    public bool IsInline { get; }
}
