namespace Vigil.Server.Commands;

/// <summary>AUTH [username] password, against requirepass (the default user) and ACL users.</summary>
public static class AuthCommand
{
    public const string WrongPass = "WRONGPASS invalid username-password pair or user is disabled.";

    public static ValueTask Execute(CommandContext context)
    {
        if (context.Count > 3)
        {
            context.ReplySyntaxError();
            return ValueTask.CompletedTask;
        }
        var acl = context.Server.Acl;
        if (context.Count == 2 && acl.Default.NoPass && acl.Default.Enabled)
        {
            context.ReplyError("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?");
            return ValueTask.CompletedTask;
        }
        var userName = context.Count == 3 ? context.Arg(1) : "default";
        var password = context.Arg(context.Count - 1);
        var user = acl.Authenticate(userName, password);
        if (user is null)
        {
            LogFailure(context, userName);
            context.ReplyError(WrongPass);
            return ValueTask.CompletedTask;
        }
        context.Session.User = user;
        context.ReplyOk();
        return ValueTask.CompletedTask;
    }

    /// <summary>An ACL LOG "auth" entry: the object is the command as the client typed it, the user the one it tried.</summary>
    public static void LogFailure(CommandContext context, string userName) =>
        context.Server.AclLog.Add(Security.AclDenial.Auth, context.Arg(0), userName, context.Server.Clock.NowMs,
            ClientCommand.Describe(context.Session, context.Server));
}
