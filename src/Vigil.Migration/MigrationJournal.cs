using Vigil.Migration.Links;
using Vigil.Resp;

namespace Vigil.Migration;

/// <summary>
/// Every change migrate made before the cutover, so an abort can undo exactly those: targets it attached
/// (detached again with REPLICAOF NO ONE) and settings it changed (set back). The source is never changed
/// before the cutover, so undoing never touches it.
/// </summary>
public sealed class MigrationJournal(RedisCredentials? credentials)
{
    /// <summary>How long an undo waits for a target that is loading an RDB before it gives up on detaching it.</summary>
    public static readonly TimeSpan LoadingWait = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan LoadingPoll = TimeSpan.FromMilliseconds(200);

    private readonly List<(RedisEndpoint Node, string Parameter, string Value)> _settings = [];
    private readonly List<(RedisEndpoint Node, string ReplicaOfCommand)> _attached = [];

    public IReadOnlyList<RedisEndpoint> Attached => [.. _attached.Select(a => a.Node)];

    /// <summary>CONFIG SET, remembering the old value (the first one, if set twice).</summary>
    public async Task SetConfigAsync(RedisLink link, string parameter, string value, CancellationToken cancel)
    {
        var old = Replies.Fields(await link.CallAsync(cancel, "CONFIG", "GET", parameter).ConfigureAwait(false)).GetValueOrDefault(parameter);
        var reply = await link.CallAsync(cancel, "CONFIG", "SET", parameter, value).ConfigureAwait(false);
        if (reply is RespError error) throw new MigrationRefusal($"{link.Endpoint}: CONFIG SET {parameter} refused: {error.Text}");
        if (old is not null && !_settings.Any(s => s.Node == link.Endpoint && s.Parameter == parameter))
        {
            _settings.Add((link.Endpoint, parameter, old));
        }
    }

    public void Attach(RedisEndpoint node, string replicaOfCommand) => _attached.Add((node, replicaOfCommand));

    /// <summary>Settings changed on <paramref name="node"/> are set back now (after the cutover, for the priorities).</summary>
    public async Task RestoreSettingsAsync(RedisEndpoint node, CancellationToken cancel)
    {
        var mine = _settings.Where(s => s.Node == node).ToList();
        if (mine.Count == 0) return;
        await using var link = await RedisLink.ConnectAsync(node, credentials, cancel).ConfigureAwait(false);
        foreach (var (_, parameter, value) in mine)
        {
            await link.CallAsync(cancel, "CONFIG", "SET", parameter, value).ConfigureAwait(false);
            _settings.Remove((node, parameter, value));
        }
    }

    /// <summary>
    /// Detaches every attached target and sets back every changed setting; keeps going past failures and
    /// returns them, since an abort must do as much as it can.
    /// </summary>
    public async Task<IReadOnlyList<string>> UndoAsync(CancellationToken cancel)
    {
        var problems = new List<string>();
        foreach (var (node, command) in Enumerable.Reverse(_attached))
        {
            try
            {
                await using var link = await RedisLink.ConnectAsync(node, credentials, cancel).ConfigureAwait(false);
                var reply = await link.CallAsync(cancel, command, "NO", "ONE").ConfigureAwait(false);
                // A target loading the RDB it received refuses every command until it is done: wait for it.
                for (var waited = TimeSpan.Zero; reply is RespError { Text: var text } && text.StartsWith("LOADING", StringComparison.Ordinal)
                    && waited < LoadingWait; waited += LoadingPoll)
                {
                    await Task.Delay(LoadingPoll, cancel).ConfigureAwait(false);
                    reply = await link.CallAsync(cancel, command, "NO", "ONE").ConfigureAwait(false);
                }
                if (reply is RespError error) problems.Add($"{node}: {command} NO ONE: {error.Text}");
            }
            catch (RedisLinkException ex)
            {
                problems.Add($"{node}: {ex.Message}");
            }
        }
        _attached.Clear();
        foreach (var node in _settings.Select(s => s.Node).Distinct().ToList())
        {
            try
            {
                await RestoreSettingsAsync(node, cancel).ConfigureAwait(false);
            }
            catch (RedisLinkException ex)
            {
                problems.Add($"{node}: settings not restored: {ex.Message}");
            }
        }
        return problems;
    }
}
