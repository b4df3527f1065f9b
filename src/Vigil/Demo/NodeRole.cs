namespace Vigil.Demo;

/// <summary>A data node's role: <c>master</c>, or <c>slave</c> of <see cref="MasterPort"/>.</summary>
internal sealed record NodeRole(string Name, int MasterPort, bool LinkUp)
{
    public static NodeRole Master { get; } = new("master", 0, true);
    public static NodeRole Unknown { get; } = new("unknown", 0, false);

    public bool Follows(int masterPort) => Name == "slave" && MasterPort == masterPort && LinkUp;
}
