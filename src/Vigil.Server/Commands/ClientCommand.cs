using System.Text;
using Vigil.Resp;
using Vigil.Server.Clients;

namespace Vigil.Server.Commands;

/// <summary>CLIENT subcommands. Tracking, caching, pausing and unblocking have nothing to act on in a sentinel.</summary>
public static class ClientCommand
{
    private static readonly string[] HelpLines =
    [
        "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CACHING (YES|NO)",
        "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
        "GETREDIR",
        "    Return the client ID we are redirecting to when tracking is enabled.",
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are:",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made from the specified address",
        "    * LADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made to specified local address",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Kill connections by type.",
        "    * USER <username>",
        "      Kill connections authenticated by <username>.",
        "    * SKIPME (YES|NO)",
        "      Skip killing current connection (default: yes).",
        "LIST [options ...]",
        "    Return information about client connections. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Return clients of specified type.",
        "UNPAUSE",
        "    Stop the current client pause, resuming traffic.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Suspend all, or just write, clients for <timeout> milliseconds.",
        "REPLY (ON|OFF|SKIP)",
        "    Control the replies sent to the current connection.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "UNBLOCK <clientid> [TIMEOUT|ERROR]",
        "    Unblock the specified blocked client.",
        "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
        "         [OPTIN] [OPTOUT] [NOLOOP]",
        "    Control server assisted client side caching.",
        "TRACKINGINFO",
        "    Report tracking status for the current connection.",
        "NO-EVICT (ON|OFF)",
        "    Protect current client connection from eviction.",
        "HELP",
        "    Prints this help.",
    ];

    public static ValueTask Id(CommandContext context) => Done(context, RespValue.Integer(context.Session.Id));

    public static ValueTask GetName(CommandContext context) =>
        Done(context, context.Session.Name.Length == 0 ? RespValue.NullValue : RespValue.Bulk(context.Session.Name));

    public static ValueTask SetName(CommandContext context)
    {
        var name = context.Arg(2);
        var error = ValidateName(name);
        if (error is not null) return Done(context, new RespError(error));
        context.Session.Name = name;
        return Done(context, RespValue.Ok);
    }

    /// <summary>CLIENT SETINFO LIB-NAME|LIB-VER &lt;value&gt; (7.2+): shown by CLIENT LIST/INFO; "" clears.</summary>
    public static ValueTask SetInfo(CommandContext context)
    {
        string attribute = context.Arg(2), value = context.Arg(3);
        bool isName = attribute.Equals("lib-name", StringComparison.OrdinalIgnoreCase);
        if (!isName && !attribute.Equals("lib-ver", StringComparison.OrdinalIgnoreCase))
        {
            return Done(context, new RespError($"ERR Unrecognized option '{attribute}'"));
        }
        if (value.Any(c => c is < '!' or > '~'))
        {
            return Done(context, new RespError($"ERR {attribute} cannot contain spaces, newlines or special characters."));
        }
        if (isName) context.Session.LibName = value;
        else context.Session.LibVersion = value;
        return Done(context, RespValue.Ok);
    }

    /// <summary>Redis refuses names with spaces, newlines or other special characters.</summary>
    public static string? ValidateName(string name)
    {
        foreach (var c in name)
        {
            if (c < '!' || c > '~') return "ERR Client names cannot contain spaces, newlines or special characters.";
        }
        return null;
    }

    public static ValueTask Info(CommandContext context) => Done(context, RespValue.Bulk(Describe(context.Session, context.Server) + "\n"));

    public static ValueTask List(CommandContext context)
    {
        IEnumerable<ClientSession> clients = context.Server.Clients.All;
        if (context.Count >= 4 && context.ArgLower(2) == "type")
        {
            var type = context.ArgLower(3);
            if (type is not ("normal" or "master" or "replica" or "slave" or "pubsub"))
                return Done(context, new RespError($"ERR Unknown client type '{context.Arg(3)}'"));
            clients = clients.Where(c => TypeOf(c) == type);
        }
        else if (context.Count >= 4 && context.ArgLower(2) == "id")
        {
            var ids = new HashSet<long>();
            for (var i = 3; i < context.Count; i++)
            {
                if (!long.TryParse(context.Arg(i), out var id) || id <= 0) return Done(context, new RespError("ERR Invalid client ID"));
                ids.Add(id);
            }
            clients = clients.Where(c => ids.Contains(c.Id));
        }
        else if (context.Count != 2)
        {
            return Done(context, new RespError("ERR syntax error"));
        }
        var text = new StringBuilder();
        foreach (var client in clients) text.Append(Describe(client, context.Server)).Append('\n');
        return Done(context, RespValue.Bulk(text.ToString()));
    }

    public static ValueTask Kill(CommandContext context)
    {
        var server = context.Server;
        if (context.Count == 3)
        {
            var target = server.Clients.All.FirstOrDefault(c => c.RemoteAddress == context.Arg(2));
            if (target is null) return Done(context, new RespError("ERR No such client"));
            KillAfterReply(context, target);
            return Done(context, RespValue.Ok);
        }
        if (context.Count % 2 != 0) return Done(context, new RespError("ERR syntax error"));
        Func<ClientSession, bool> match = _ => true;
        var skipMe = true;
        for (var i = 2; i < context.Count; i += 2)
        {
            var option = context.ArgLower(i);
            var value = context.Arg(i + 1);
            var previous = match;
            switch (option)
            {
                case "id":
                    if (!long.TryParse(value, out var id) || id <= 0) return Done(context, new RespError("ERR client-id should be greater than 0"));
                    match = c => previous(c) && c.Id == id;
                    break;
                case "type":
                    var type = value.ToLowerInvariant();
                    if (type is not ("normal" or "master" or "replica" or "slave" or "pubsub"))
                        return Done(context, new RespError($"ERR Unknown client type '{value}'"));
                    match = c => previous(c) && TypeOf(c) == type;
                    break;
                case "addr": match = c => previous(c) && c.RemoteAddress == value; break;
                case "laddr": match = c => previous(c) && c.LocalAddress == value; break;
                case "user":
                    if (server.Acl.Find(value) is null) return Done(context, new RespError($"ERR No such user '{value}'"));
                    match = c => previous(c) && c.User?.Name == value;
                    break;
                case "skipme":
                    var flag = value.ToLowerInvariant();
                    if (flag is not ("yes" or "no")) return Done(context, new RespError("ERR syntax error"));
                    skipMe = flag == "yes";
                    break;
                default:
                    return Done(context, new RespError("ERR syntax error"));
            }
        }
        var killed = 0;
        foreach (var client in server.Clients.All.Where(match).ToList())
        {
            if (client == context.Session && skipMe) continue;
            KillAfterReply(context, client);
            killed++;
        }
        return Done(context, RespValue.Integer(killed));
    }

    // Redis closes the caller's own connection only after the reply is written.
    private static void KillAfterReply(CommandContext context, ClientSession target)
    {
        if (target == context.Session) target.Close();
        else target.Abort();
    }

    public static ValueTask Reply(CommandContext context)
    {
        var mode = context.ArgLower(2);
        return mode is "on" or "off" or "skip" ? Done(context, mode == "on" ? RespValue.Ok : null) : Done(context, new RespError("ERR syntax error"));
    }

    public static ValueTask NoEvict(CommandContext context) => OnOff(context);
    public static ValueTask Caching(CommandContext context) =>
        Done(context, new RespError("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled"));
    public static ValueTask Tracking(CommandContext context) => OnOff(context);
    public static ValueTask TrackingInfo(CommandContext context) =>
        Done(context, new RespMap(
        [
            new(RespValue.Bulk("flags"), new RespSet([RespValue.Bulk("off")])),
            new(RespValue.Bulk("redirect"), RespValue.Integer(-1)),
            new(RespValue.Bulk("prefixes"), RespValue.Array()),
        ]));
    public static ValueTask GetRedir(CommandContext context) => Done(context, RespValue.Integer(-1));
    public static ValueTask Pause(CommandContext context) =>
        long.TryParse(context.Arg(2), out var ms) && ms >= 0 ? Done(context, RespValue.Ok) : Done(context, new RespError("ERR timeout is not an integer or out of range"));
    public static ValueTask Unpause(CommandContext context) => Done(context, RespValue.Ok);
    public static ValueTask Unblock(CommandContext context) => Done(context, RespValue.Integer(0));
    public static ValueTask Help(CommandContext context) =>
        Done(context, new RespArray([.. HelpLines.Select(line => (RespValue)new RespSimpleString(line))]));

    private static ValueTask OnOff(CommandContext context) =>
        context.ArgLower(2) is "on" or "off" ? Done(context, RespValue.Ok) : Done(context, new RespError("ERR syntax error"));

    private static string TypeOf(ClientSession client) => client.SubscriptionCount > 0 ? "pubsub" : "normal";

    /// <summary>Redis's letters in its order: P (pub/sub), U (Unix socket); N when none applies.</summary>
    private static string Flags(ClientSession client)
    {
        string flags = (client.SubscriptionCount > 0 ? "P" : "") + (client.IsUnixSocket ? "U" : "");
        return flags.Length == 0 ? "N" : flags;
    }

    /// <summary>The CLIENT INFO / CLIENT LIST line of one client (ACL LOG's client-info too).</summary>
    public static string Describe(ClientSession client, ServerContext server)
    {
        var now = server.Clock.NowMs;
        return $"id={client.Id} addr={client.RemoteAddress} laddr={client.LocalAddress} fd=0 name={client.Name} " +
               $"age={(now - client.CreatedAtMs) / 1000} idle={(now - client.LastInteractionMs) / 1000} " +
               $"flags={Flags(client)} db=0 sub={client.Channels.Count} psub={client.Patterns.Count} ssub=0 " +
               $"multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem={client.Output.PendingBytes} tot-mem=0 " +
               $"events=r cmd={client.LastCommand} user={client.User?.Name ?? "default"} redir=-1 resp={(int)client.Protocol}" +
               (server.Compatibility.HasClientSetInfo ? $" lib-name={client.LibName} lib-ver={client.LibVersion}" : "");
    }

    private static ValueTask Done(CommandContext context, RespValue? reply)
    {
        if (reply is not null) context.Reply(reply);
        return ValueTask.CompletedTask;
    }
}
