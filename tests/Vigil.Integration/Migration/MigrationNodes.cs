using Vigil.Integration.Infrastructure;

namespace Vigil.Integration.Migration;

/// <summary>
/// The redis-server processes one migration test starts: one temp dir for their files and the test's own
/// (state file, report), every node started with the test's common arguments, all stopped together.
/// </summary>
internal sealed class MigrationNodes(params string[] commonArgs) : IDisposable
{
    private readonly List<RunningNode> _started = [];

    public TempDir Dir { get; } = new();

    public async Task<RunningNode> StartAsync(params string[] args)
    {
        var node = await RedisNodes.StartRedisAsync(Dir, [.. commonArgs, .. args]);
        _started.Add(node);
        return node;
    }

    public void Dispose()
    {
        foreach (var node in _started) node.Dispose();
        Dir.Dispose();
    }
}
