using Vigil.Resp;

namespace Vigil.Server.Commands;

/// <summary>HELLO [protover [AUTH username password] [SETNAME clientname]]: switches RESP2/RESP3.</summary>
public static class HelloCommand
{
    private const string NoAuthText = "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time";

    public static ValueTask Execute(CommandContext context)
    {
        var session = context.Session;
        var protocol = session.Protocol;
        var next = 1;
        if (context.Count >= 2)
        {
            if (!long.TryParse(context.Arg(1), out var version))
            {
                context.ReplyError("ERR Protocol version is not an integer or out of range");
                return ValueTask.CompletedTask;
            }
            if (version is < 2 or > 3)
            {
                context.ReplyError("NOPROTO unsupported protocol version");
                return ValueTask.CompletedTask;
            }
            protocol = (RespProtocol)version;
            next = 2;
        }
        string? authUser = null, authPass = null, setName = null;
        for (var i = next; i < context.Count; i++)
        {
            var option = context.ArgLower(i);
            var remaining = context.Count - i - 1;
            if (option == "auth" && remaining >= 2)
            {
                authUser = context.Arg(i + 1);
                authPass = context.Arg(i + 2);
                i += 2;
            }
            else if (option == "setname" && remaining >= 1)
            {
                setName = context.Arg(i + 1);
                i += 1;
            }
            else
            {
                context.ReplyError($"ERR Syntax error in HELLO option '{context.Arg(i)}'");
                return ValueTask.CompletedTask;
            }
        }
        if (authUser is not null)
        {
            var user = context.Server.Acl.Authenticate(authUser, authPass!);
            if (user is null)
            {
                AuthCommand.LogFailure(context, authUser);
                context.ReplyError(AuthCommand.WrongPass);
                return ValueTask.CompletedTask;
            }
            session.User = user;
        }
        if (!session.IsAuthenticated)
        {
            context.ReplyError(NoAuthText);
            return ValueTask.CompletedTask;
        }
        if (setName is not null)
        {
            var error = ClientCommand.ValidateName(setName);
            if (error is not null)
            {
                context.ReplyError(error);
                return ValueTask.CompletedTask;
            }
            session.Name = setName;
        }
        session.Protocol = protocol;
        // A sentinel's HELLO has no "role" field (Redis leaves it out in sentinel mode).
        context.Reply(new RespMap(
        [
            new(RespValue.Bulk("server"), RespValue.Bulk("redis")),
            new(RespValue.Bulk("version"), RespValue.Bulk(context.Server.Compatibility.Version)),
            new(RespValue.Bulk("proto"), RespValue.Integer((int)protocol)),
            new(RespValue.Bulk("id"), RespValue.Integer(session.Id)),
            new(RespValue.Bulk("mode"), RespValue.Bulk("sentinel")),
            new(RespValue.Bulk("modules"), RespValue.Array()),
        ]));
        return ValueTask.CompletedTask;
    }
}
