using Vigil.Resp;

namespace Vigil.Server.Commands;

/// <summary>A sentinel accepts PUBLISH only for hello messages, which it processes instead of delivering.</summary>
public static class PublishCommand
{
    public const string HelloChannel = "__sentinel__:hello";

    public static async ValueTask Execute(CommandContext context)
    {
        if (context.Arg(1) != HelloChannel)
        {
            context.ReplyError("ERR Only HELLO messages are accepted by Sentinel instances.");
            return;
        }
        var payload = context.Arg(2);
        RespValue reply = await context.Server.Loop.InvokeAsync((core, nowMs) => core.AcceptHelloPublish(payload, nowMs)).ConfigureAwait(false);
        context.Reply(reply);
    }
}
