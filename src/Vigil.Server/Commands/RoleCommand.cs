namespace Vigil.Server.Commands;

public static class RoleCommand
{
    public static async ValueTask Execute(CommandContext context)
    {
        var reply = await context.Server.Loop.InvokeAsync((core, _) => core.ExecuteRole()).ConfigureAwait(false);
        context.Reply(reply);
    }
}
