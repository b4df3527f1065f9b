namespace Vigil.Simulation.Network;

/// <summary>A FIN travelling behind the data sent before it: the receiving side learns the connection closed.</summary>
internal sealed record CloseMarker(string Reason);
