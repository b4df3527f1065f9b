namespace Vigil.Sentinel.State;

/// <summary>A host (IP or hostname, as configured or announced) and port.</summary>
public sealed record MasterAddress(string Host, int Port);
