namespace Vigil.Sentinel.Links;

/// <summary>One TCP connection of an <see cref="InstanceLink"/>, from <see cref="OpenLink"/> until it closes.</summary>
internal sealed class Connection(LinkId id, LinkRole role, InstanceLink owner, long openedAtMs)
{
    public LinkId Id { get; } = id;
    public LinkRole Role { get; } = role;
    public InstanceLink Owner { get; } = owner;
    public long OpenedAtMs { get; } = openedAtMs;

    /// <summary>False while the host is still connecting.</summary>
    public bool IsUp { get; set; }

    /// <summary>Local address of the socket, known once up.</summary>
    public string? LocalIp { get; set; }

    /// <summary>Replies still owed to the commands sent before SUBSCRIBE on a pub/sub connection (AUTH, CLIENT SETNAME).</summary>
    public int SetupRepliesOwed { get; set; }
}
