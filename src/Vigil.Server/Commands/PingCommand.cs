using Vigil.Resp;

namespace Vigil.Server.Commands;

public static class PingCommand
{
    private static readonly RespValue Pong = new RespSimpleString("PONG");

    public static ValueTask Execute(CommandContext context)
    {
        if (context.Count > 2)
        {
            context.ReplyError("ERR wrong number of arguments for 'ping' command");
            return ValueTask.CompletedTask;
        }
        // A RESP2 subscriber gets PING as a pub/sub-shaped reply, as Redis sends it.
        if (context.Session.SubscriptionCount > 0 && context.Session.Protocol == RespProtocol.Resp2)
        {
            context.Reply(RespValue.Array(RespValue.Bulk("pong"), context.Count == 2 ? new RespBulkString(context.Args[1]) : RespValue.Bulk("")));
        }
        else
        {
            context.Reply(context.Count == 2 ? new RespBulkString(context.Args[1]) : Pong);
        }
        return ValueTask.CompletedTask;
    }
}
