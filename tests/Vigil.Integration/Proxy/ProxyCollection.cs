namespace Vigil.Integration.Proxy;

/// <summary>
/// The proxy's tests run one after another (each starts its own group of processes), so they add one stream of
/// processes, not two, to the other integration tests running beside them on a small machine.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ProxyCollection
{
    public const string Name = "vigil proxy";
}
