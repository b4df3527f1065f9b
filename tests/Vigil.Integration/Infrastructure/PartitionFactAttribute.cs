namespace Vigil.Integration.Infrastructure;

/// <summary>A test that cuts the network with nftables: skipped, with the one-line reason, only when not root.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PartitionFactAttribute : FactAttribute
{
    public PartitionFactAttribute()
    {
        if (PacketFilter.Unavailable() is { } reason) Skip = reason;
    }
}
