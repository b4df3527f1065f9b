using Vigil.Sentinel;
using Vigil.Sentinel.Commands;
using Vigil.Sentinel.Config;

namespace Vigil.Server.Commands;

/// <summary>SENTINEL subcommands are the core's: the host only carries them to the loop and back.</summary>
public static class SentinelCommand
{
    private const string GetMasterAddrByName = "get-master-addr-by-name";

    public static ValueTask Execute(CommandContext context)
    {
        var server = context.Server;
        var isAddressQuery = context.Spec.Name == GetMasterAddrByName && context.Count == 3;
        if (isAddressQuery && server.MasterAddresses.TryGet(context.Args[2], server.Loop.Step, out var answer))
        {
            context.Reply(answer);
            return ValueTask.CompletedTask;
        }
        var args = new byte[context.Count - 1][];
        for (var i = 0; i < args.Length; i++) args[i] = context.Args[i + 1];
        return AskCoreAsync(context, args, isAddressQuery);
    }

    private static async ValueTask AskCoreAsync(CommandContext context, byte[][] args, bool isAddressQuery)
    {
        var server = context.Server;
        // Script paths are checked here, off the loop, as the request is received; the core only reads the result.
        var executable = ExecutablePaths(args);
        var answer = await server.Loop.RequestAsync((nowMs, id) => new SentinelRequest(nowMs, id, args) { ExecutablePaths = executable })
            .ConfigureAwait(false);
        var reply = ((Reply)answer.Answer).Value;
        // Cached as of the step that computed it: the cache drops it as soon as the loop has moved on.
        if (!isAddressQuery)
        {
            context.Reply(reply);
            return;
        }
        var encoded = new EncodedReply(reply);
        server.MasterAddresses.Store(args[1], encoded, answer.HandledAtStep);
        context.Reply(encoded);
    }

    private static HashSet<string> ExecutablePaths(byte[][] args)
    {
        var executable = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in ScriptPathArguments.Of(args))
        {
            if (ConfigFileParser.IsExecutableFile(path)) executable.Add(path);
        }
        return executable;
    }
}
