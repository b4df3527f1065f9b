using Vigil.Resp;
using Vigil.Server.Clients;

namespace Vigil.Server.Commands;

/// <summary>(P)SUBSCRIBE and (P)UNSUBSCRIBE over the sentinel's event channels.</summary>
public static class SubscribeCommands
{
    public static ValueTask Subscribe(CommandContext context) =>
        Each(context, "subscribe", (hub, session, name) => hub.Subscribe(session, name));

    public static ValueTask PSubscribe(CommandContext context) =>
        Each(context, "psubscribe", (hub, session, name) => hub.PSubscribe(session, name));

    public static ValueTask Unsubscribe(CommandContext context) =>
        EachOrAll(context, "unsubscribe", s => s.Channels, (hub, session, name) => hub.Unsubscribe(session, name));

    public static ValueTask PUnsubscribe(CommandContext context) =>
        EachOrAll(context, "punsubscribe", s => s.Patterns, (hub, session, name) => hub.PUnsubscribe(session, name));

    private static ValueTask Each(CommandContext context, string kind, Func<PubSub.PubSubHub, ClientSession, string, bool> apply)
    {
        for (var i = 1; i < context.Count; i++)
        {
            var name = context.Arg(i);
            apply(context.Server.PubSub, context.Session, name);
            Confirm(context, kind, name);
        }
        return ValueTask.CompletedTask;
    }

    private static ValueTask EachOrAll(CommandContext context, string kind, Func<ClientSession, HashSet<string>> current, Func<PubSub.PubSubHub, ClientSession, string, bool> apply)
    {
        var names = context.Count > 1
            ? Enumerable.Range(1, context.Count - 1).Select(context.Arg).ToList()
            : [.. current(context.Session)];
        if (names.Count == 0)
        {
            context.Reply(new RespPush([RespValue.Bulk(kind), RespValue.NullValue, RespValue.Integer(context.Session.SubscriptionCount)]));
            return ValueTask.CompletedTask;
        }
        foreach (var name in names)
        {
            apply(context.Server.PubSub, context.Session, name);
            Confirm(context, kind, name);
        }
        return ValueTask.CompletedTask;
    }

    private static void Confirm(CommandContext context, string kind, string name) =>
        context.Reply(new RespPush([RespValue.Bulk(kind), RespValue.Bulk(name), RespValue.Integer(context.Session.SubscriptionCount)]));
}
