namespace Vigil.Simulation.Clients;

/// <summary>A write the client got +OK for: which node acknowledged it, and when.</summary>
internal readonly record struct AckedWrite(long Id, string Node, long AtMs);
