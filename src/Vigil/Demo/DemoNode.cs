namespace Vigil.Demo;

/// <summary>One process of the demo's group: its display name, loopback port and directory.</summary>
internal sealed record DemoNode(string Name, int Port, string Directory)
{
    public string Address => $"127.0.0.1:{Port}";
}
