using System.Security.Cryptography;
using Vigil.Resp;

namespace Vigil.Server.Commands;

/// <summary>ACL subcommands over the sentinel's own users.</summary>
public static class AclCommand
{
    private static readonly string[] Categories =
    [
        "keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap", "hyperloglog",
        "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking", "dangerous", "connection",
        "transaction", "scripting",
    ];

    private static readonly string[] HelpLines =
    [
        "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CAT [<category>]",
        "    List all commands that belong to <category>, or all command categories",
        "    when no category is specified.",
        "DELUSER <username> [<username> ...]",
        "    Delete a list of users.",
        "DRYRUN <username> <command> [<arg> ...]",
        "    Returns whether the user can execute the given command without executing the command.",
        "GETUSER <username>",
        "    Get the user's details.",
        "GENPASS [<bits>]",
        "    Generate a secure 256-bit user password. The optional `bits` argument can",
        "    be used to specify a different size.",
        "LIST",
        "    Show users details in config file format.",
        "LOAD",
        "    Reload users from the ACL file.",
        "LOG [<count> | RESET]",
        "    Show the ACL log entries.",
        "SAVE",
        "    Save the current config to the ACL file.",
        "SETUSER <username> <attribute> [<attribute> ...]",
        "    Create or modify a user with the specified attributes.",
        "USERS",
        "    List all the registered usernames.",
        "WHOAMI",
        "    Return the current connection username.",
        "HELP",
        "    Prints this help.",
    ];

    public static ValueTask WhoAmI(CommandContext context) =>
        Done(context, RespValue.Bulk(context.Session.User?.Name ?? "default"));

    public static ValueTask Users(CommandContext context) =>
        Done(context, new RespArray([.. context.Server.Acl.Users.Select(u => (RespValue)RespValue.Bulk(u.Name))]));

    public static ValueTask List(CommandContext context) =>
        Done(context, new RespArray([.. context.Server.Acl.Users.Select(u => (RespValue)RespValue.Bulk($"user {u.Name} {u.Describe()}"))]));

    public static ValueTask SetUser(CommandContext context)
    {
        var rules = Enumerable.Range(3, context.Count - 3).Select(context.Arg);
        var error = context.Server.Acl.SetUser(context.Arg(2), rules);
        return Done(context, error is null ? RespValue.Ok : new RespError("ERR " + error));
    }

    public static ValueTask DelUser(CommandContext context)
    {
        var deleted = 0;
        for (var i = 2; i < context.Count; i++)
        {
            var name = context.Arg(i);
            if (name == "default") return Done(context, new RespError("ERR The 'default' user cannot be removed"));
            if (!context.Server.Acl.Delete(name)) continue;
            deleted++;
            foreach (var client in context.Server.Clients.All.Where(c => c.User?.Name == name).ToList())
            {
                if (client == context.Session) client.Close(); else client.Abort();
            }
        }
        return Done(context, RespValue.Integer(deleted));
    }

    public static ValueTask GetUser(CommandContext context)
    {
        var user = context.Server.Acl.Find(context.Arg(2));
        if (user is null) return Done(context, RespValue.NullValue);
        var flags = new List<RespValue> { RespValue.Bulk(user.Enabled ? "on" : "off") };
        if (user.NoPass) flags.Add(RespValue.Bulk("nopass"));
        var keys = string.Join(' ', user.Selectors.Where(s => s[0] is '~' or '%'));
        var channels = string.Join(' ', user.Selectors.Where(s => s[0] == '&'));
        return Done(context, new RespMap(
        [
            new(RespValue.Bulk("flags"), new RespSet(flags)),
            new(RespValue.Bulk("passwords"), new RespArray([.. user.PasswordHashes.Select(h => (RespValue)RespValue.Bulk(h))])),
            new(RespValue.Bulk("commands"), RespValue.Bulk(user.CommandRules.Count == 0 ? "-@all" : string.Join(' ', user.CommandRules))),
            new(RespValue.Bulk("keys"), RespValue.Bulk(keys)),
            new(RespValue.Bulk("channels"), RespValue.Bulk(channels)),
            new(RespValue.Bulk("selectors"), RespValue.Array()),
        ]));
    }

    public static ValueTask Cat(CommandContext context)
    {
        if (context.Count == 2) return Done(context, new RespArray([.. Categories.Select(c => (RespValue)RespValue.Bulk(c))]));
        var category = "@" + context.ArgLower(2);
        if (!Categories.Contains(category[1..])) return Done(context, new RespError($"ERR Unknown category '{context.Arg(2)}'"));
        var names = new List<RespValue>();
        foreach (var spec in context.Server.Commands.All)
        {
            if (spec.Categories.Contains(category)) names.Add(RespValue.Bulk(spec.Name));
            foreach (var sub in spec.Subcommands)
            {
                if (sub.Categories.Contains(category)) names.Add(RespValue.Bulk(sub.FullName));
            }
        }
        return Done(context, new RespArray(names));
    }

    public static ValueTask GenPass(CommandContext context)
    {
        var bits = 256;
        if (context.Count == 3 && (!int.TryParse(context.Arg(2), out bits) || bits <= 0 || bits > 4096))
            return Done(context, new RespError("ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096"));
        var hex = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes((bits + 7) / 8));
        return Done(context, RespValue.Bulk(hex[..((bits + 3) / 4)]));
    }

    public static ValueTask DryRun(CommandContext context)
    {
        var user = context.Server.Acl.Find(context.Arg(2));
        if (user is null) return Done(context, new RespError($"ERR User '{context.Arg(2)}' not found"));
        var spec = context.Server.Commands.Find(context.Arg(3));
        if (spec is null) return Done(context, new RespError($"ERR Command '{context.Arg(3)}' not found"));
        if (spec.Subcommands.Count > 0 && context.Count > 4 && spec.FindSubcommand(context.Arg(4)) is { } sub) spec = sub;
        return Done(context, user.CanRun(spec.FullName, spec.Categories)
            ? RespValue.Ok
            : RespValue.Bulk($"This user has no permissions to run the '{spec.FullName}' command"));
    }

    public static ValueTask Load(CommandContext context) =>
        Done(context, new RespError("ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration."));

    public static ValueTask Save(CommandContext context) => Load(context);

    public static ValueTask Log(CommandContext context) =>
        Done(context, context.Count == 3 && context.ArgLower(2) == "reset" ? RespValue.Ok : RespValue.Array());

    public static ValueTask Help(CommandContext context) =>
        Done(context, new RespArray([.. HelpLines.Select(line => (RespValue)new RespSimpleString(line))]));

    private static ValueTask Done(CommandContext context, RespValue reply)
    {
        context.Reply(reply);
        return ValueTask.CompletedTask;
    }
}
