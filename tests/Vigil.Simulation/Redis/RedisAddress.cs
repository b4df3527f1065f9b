namespace Vigil.Simulation.Redis;

/// <summary>An address as written on the wire (the simulation only uses literal IPs).</summary>
internal readonly record struct RedisAddress(string Host, int Port)
{
    public bool Matches(string host, int port) => Port == port && string.Equals(Host, host, StringComparison.OrdinalIgnoreCase);

    public override string ToString() => $"{Host}:{Port}";
}
