namespace Vigil.Simulation.Network;

internal enum ConnectionState
{
    Connecting,
    Open,
    Closed,
}
