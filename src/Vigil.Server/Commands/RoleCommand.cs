namespace Vigil.Server.Commands;

public static class RoleCommand
{
    public static async ValueTask Execute(CommandContext context)
    {
        var reply = await context.Server.Loop.ReplyAsync((nowMs, id) => new Vigil.Sentinel.RoleRequest(nowMs, id)).ConfigureAwait(false);
        context.Reply(reply);
    }
}
