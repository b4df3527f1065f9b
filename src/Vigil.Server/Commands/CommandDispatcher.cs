using System.Text;
using Vigil.Resp;
using Vigil.Server.Clients;
using Vigil.Server.Security;

namespace Vigil.Server.Commands;

/// <summary>
/// Runs one client command through the checks Redis applies, in Redis's order: lookup (unknown
/// command / subcommand), arity, authentication, ACL permission, subscribed-mode restriction; then
/// calls the handler. Every error text is Redis's own.
/// </summary>
public sealed class CommandDispatcher(ServerContext server)
{
    private const int ErrorArgumentsBudget = 128;

    // Names up to this long are decoded onto the stack for the lookups (longer ones, if any, into a string).
    private const int MaxNameBytes = 64;

    private readonly ResolvedNames _resolved = new();

    public ValueTask ExecuteAsync(ClientSession session, IReadOnlyList<byte[]> args)
    {
        server.Stats.CountCommand();
        var spec = _resolved.Find(args[0], null) ?? FindCommand(args[0]);
        if (spec is null) return Fail(session, UnknownCommand(Encoding.UTF8.GetString(args[0]), args));
        var parentHandler = spec.Handler;

        if (spec.Subcommands.Count > 0 && args.Count >= 2)
        {
            var sub = _resolved.Find(args[0], args[1]) ?? FindSubcommand(spec, args[0], args[1]);
            if (sub is null)
            {
                var typed = Encoding.UTF8.GetString(args[1]);
                return Fail(session, $"ERR unknown subcommand '{Truncate(typed)}'. Try {Encoding.UTF8.GetString(args[0]).ToUpperInvariant()} HELP.");
            }
            spec = sub;
        }
        // Subcommand arities count the parent's name too, as Redis's do.
        if (!spec.AcceptsArgumentCount(args.Count))
        {
            return Fail(session, $"ERR wrong number of arguments for '{spec.FullName}' command");
        }
        if (!session.IsAuthenticated && !spec.HasFlag("no_auth"))
        {
            return Fail(session, "NOAUTH Authentication required.");
        }
        if (session.User is { } user)
        {
            if (!user.IsLive)
            {
                // ACL DELUSER / ACL LOAD removed the user after this request was read: the reference has freed the client.
                session.Abort();
                return ValueTask.CompletedTask;
            }
            if (!user.CanRun(spec.FullName, spec.Categories))
            {
                server.AclLog.Add(AclDenial.Command, spec.FullName, user.Name, server.Clock.NowMs, ClientCommand.Describe(session, server));
                return Fail(session, $"NOPERM this user has no permissions to run the '{spec.FullName}' command");
            }
            if (DeniedChannel(user, spec, args) is { } channel)
            {
                server.AclLog.Add(AclDenial.Channel, channel, user.Name, server.Clock.NowMs, ClientCommand.Describe(session, server));
                return Fail(session, "NOPERM this user has no permissions to access one of the channels used as arguments");
            }
        }
        if (session.SubscriptionCount > 0 && session.Protocol == RespProtocol.Resp2 && !AllowedWhileSubscribed(spec))
        {
            return Fail(session, $"ERR Can't execute '{spec.FullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
        }

        session.NoteCommand(spec.FullName);
        // SENTINEL's subcommands have no handlers of their own: the core answers them all.
        var handler = spec.Handler ?? parentHandler ?? throw new InvalidOperationException($"no handler for {spec.FullName}");
        return handler(new CommandContext(session, args, spec, server));
    }

    /// <summary>
    /// The first channel argument the user may not use: PUBLISH's channel, SUBSCRIBE's channels, PSUBSCRIBE's patterns
    /// (matched literally). Unsubscribing is always allowed, as in the reference.
    /// </summary>
    internal static string? DeniedChannel(AclUser user, CommandSpec spec, IReadOnlyList<byte[]> args)
    {
        if (user.Rules.AllChannels) return null;
        var (last, isPattern) = spec.Name switch
        {
            "publish" => (Math.Min(1, args.Count - 1), false),
            "subscribe" => (args.Count - 1, false),
            "psubscribe" => (args.Count - 1, true),
            _ => (0, false),
        };
        for (var i = 1; i <= last; i++)
        {
            var channel = Encoding.UTF8.GetString(args[i]);
            if (!user.CanAccessChannel(channel, isPattern)) return channel;
        }
        return null;
    }

    private CommandSpec? FindCommand(byte[] name)
    {
        Span<char> chars = stackalloc char[MaxNameBytes];
        var spec = name.Length <= MaxNameBytes ? server.Commands.Find(Decode(name, chars)) : server.Commands.Find(Encoding.UTF8.GetString(name));
        if (spec is not null) _resolved.Store(name, null, spec);
        return spec;
    }

    private CommandSpec? FindSubcommand(CommandSpec parent, byte[] name, byte[] subName)
    {
        Span<char> chars = stackalloc char[MaxNameBytes];
        var sub = parent.FindSubcommand(subName.Length <= MaxNameBytes ? Decode(subName, chars) : Encoding.UTF8.GetString(subName));
        if (sub is not null) _resolved.Store(name, subName, sub);
        return sub;
    }

    private static ReadOnlySpan<char> Decode(byte[] bytes, Span<char> chars) => chars[..Encoding.UTF8.GetChars(bytes, chars)];

    private static bool AllowedWhileSubscribed(CommandSpec spec) =>
        spec.Name is "ping" or "subscribe" or "psubscribe" or "unsubscribe" or "punsubscribe";

    private ValueTask Fail(ClientSession session, string error)
    {
        server.Stats.CountError();
        session.Output.Write(new RespError(error));
        return ValueTask.CompletedTask;
    }

    // Redis: "unknown command '<name>', with args beginning with: '<a>' '<b>' " while under 128 chars.
    private static string UnknownCommand(string name, IReadOnlyList<byte[]> args)
    {
        var text = new StringBuilder();
        for (var i = 1; i < args.Count && text.Length < ErrorArgumentsBudget; i++)
        {
            var arg = Encoding.UTF8.GetString(args[i]);
            var room = ErrorArgumentsBudget - text.Length;
            text.Append('\'').Append(arg.Length > room ? arg[..room] : arg).Append("' ");
        }
        return $"ERR unknown command '{Truncate(name)}', with args beginning with: {text}";
    }

    private static string Truncate(string text) => text.Length > ErrorArgumentsBudget ? text[..ErrorArgumentsBudget] : text;
}
