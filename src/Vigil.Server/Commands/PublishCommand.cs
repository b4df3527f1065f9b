using Vigil.Resp;
using Vigil.Sentinel.Discovery;

namespace Vigil.Server.Commands;

/// <summary>A sentinel accepts PUBLISH only for hello messages, which it processes instead of delivering.</summary>
public static class PublishCommand
{
    public static async ValueTask Execute(CommandContext context)
    {
        if (context.Arg(1) != HelloChannel.Name)
        {
            context.ReplyError("ERR Only HELLO messages are accepted by Sentinel instances.");
            return;
        }
        var payload = context.Arg(2);
        RespValue reply = await context.Server.Loop.ReplyAsync((nowMs, id) => new Vigil.Sentinel.HelloPublished(nowMs, id, payload)).ConfigureAwait(false);
        context.Reply(reply);
    }
}
