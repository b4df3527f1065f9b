namespace Vigil.Server.Commands;

/// <summary>SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]: a sentinel never saves a dataset, so SAVE acts as NOSAVE.</summary>
public static class ShutdownCommand
{
    private static readonly HashSet<string> Options = new(StringComparer.OrdinalIgnoreCase) { "nosave", "save", "now", "force" };

    public static ValueTask Execute(CommandContext context)
    {
        for (var i = 1; i < context.Count; i++)
        {
            var option = context.Arg(i);
            if (string.Equals(option, "abort", StringComparison.OrdinalIgnoreCase))
            {
                context.ReplyError("ERR No shutdown in progress.");
                return ValueTask.CompletedTask;
            }
            if (!Options.Contains(option))
            {
                context.ReplySyntaxError();
                return ValueTask.CompletedTask;
            }
        }
        context.Server.Log.Warning("User requested shutdown...");
        context.Server.RequestShutdown(0);
        context.Session.Close();
        return ValueTask.CompletedTask;
    }
}
