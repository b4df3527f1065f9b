namespace Vigil.Server.Commands;

/// <summary>SENTINEL subcommands are the core's: the host only carries them to the loop and back.</summary>
public static class SentinelCommand
{
    public static async ValueTask Execute(CommandContext context)
    {
        var args = context.Args.Skip(1).ToArray();
        var reply = await context.Server.Loop.InvokeAsync((core, nowMs) => core.ExecuteSentinel(args, nowMs)).ConfigureAwait(false);
        context.Reply(reply);
    }
}
