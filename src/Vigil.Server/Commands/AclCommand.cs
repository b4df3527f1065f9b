using System.Security.Cryptography;
using Vigil.Resp;
using Vigil.Server.Clients;

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
        var (error, user, previous) = context.Server.Acl.SetUser(context.Arg(2), rules);
        if (error is not null) return Done(context, new RespError("ERR " + error));
        // As the reference: a subscriber whose channels the new rules no longer allow is disconnected.
        if (user is not null && previous is not null && !previous.ChannelsCoveredBy(user.Rules))
        {
            foreach (var client in context.Server.Clients.All.Where(c => c.User == user && c.SubscriptionCount > 0).ToList())
            {
                if (LosesAChannel(context.Server.PubSub.SubscriptionsOf(client), user)) Drop(context, client);
            }
        }
        return Done(context, RespValue.Ok);
    }

    private static bool LosesAChannel((string[] Channels, string[] Patterns) subscriptions, Security.AclUser user) =>
        subscriptions.Channels.Any(c => !user.CanAccessChannel(c, isPattern: false))
        || subscriptions.Patterns.Any(p => !user.CanAccessChannel(p, isPattern: true));

    public static ValueTask DelUser(CommandContext context)
    {
        for (var i = 2; i < context.Count; i++)
        {
            if (context.Arg(i) == "default") return Done(context, new RespError("ERR The 'default' user cannot be removed"));
        }
        var retired = new List<Security.AclUser>();
        for (var i = 2; i < context.Count; i++)
        {
            if (context.Server.Acl.Delete(context.Arg(i)) is { } user) retired.Add(user);
        }
        DropSessionsOf(context, retired);
        return Done(context, RespValue.Integer(retired.Count));
    }

    /// <summary>Sessions of removed users are closed, as the reference frees them (the caller's after its reply).</summary>
    private static void DropSessionsOf(CommandContext context, IReadOnlyCollection<Security.AclUser> users)
    {
        if (users.Count == 0) return;
        foreach (var client in context.Server.Clients.All.Where(c => c.User is { } u && users.Contains(u)).ToList()) Drop(context, client);
    }

    private static void Drop(CommandContext context, ClientSession client)
    {
        if (client == context.Session) client.Close(); else client.Abort();
    }

    public static ValueTask GetUser(CommandContext context)
    {
        var user = context.Server.Acl.Find(context.Arg(2));
        if (user is null) return Done(context, RespValue.NullValue);
        var rules = user.Rules;
        var flags = new List<RespValue> { RespValue.Bulk(rules.Enabled ? "on" : "off") };
        if (rules.NoPass) flags.Add(RespValue.Bulk("nopass"));
        return Done(context, new RespMap(
        [
            new(RespValue.Bulk("flags"), new RespSet(flags)),
            new(RespValue.Bulk("passwords"), new RespArray([.. rules.PasswordHashes.Select(h => (RespValue)RespValue.Bulk(h))])),
            new(RespValue.Bulk("commands"), RespValue.Bulk(rules.CommandsText)),
            new(RespValue.Bulk("keys"), RespValue.Bulk(string.Join(' ', rules.KeyPatterns))),
            new(RespValue.Bulk("channels"), RespValue.Bulk(rules.ChannelsText)),
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
        if (!user.CanRun(spec.FullName, spec.Categories))
            return Done(context, RespValue.Bulk($"This user has no permissions to run the '{spec.FullName}' command"));
        var channel = CommandDispatcher.DeniedChannel(user, spec, context.Args.Skip(3).ToList());
        return Done(context, channel is null ? RespValue.Ok : RespValue.Bulk($"This user has no permissions to access the '{channel}' channel"));
    }

    private const string NoAclFile = "ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.";

    public static ValueTask Load(CommandContext context)
    {
        if (context.Server.Acl.FilePath is null) return Done(context, new RespError(NoAclFile));
        var (error, retired) = context.Server.Acl.Load();
        if (error is not null) return Done(context, new RespError("ERR " + error));
        DropSessionsOf(context, retired);
        return Done(context, RespValue.Ok);
    }

    public static ValueTask Save(CommandContext context)
    {
        if (context.Server.Acl.FilePath is null) return Done(context, new RespError(NoAclFile));
        try
        {
            context.Server.Acl.Save();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            context.Server.Log.Warning($"Writing ACL file for ACL SAVE: {ex.Message}");
            return Done(context, new RespError("ERR There was an error trying to save the ACLs. Please check the server logs for more information"));
        }
        return Done(context, RespValue.Ok);
    }

    public static ValueTask Log(CommandContext context)
    {
        long count = 10;
        if (context.Count == 3)
        {
            if (context.ArgLower(2) == "reset")
            {
                context.Server.AclLog.Reset();
                return Done(context, RespValue.Ok);
            }
            if (!long.TryParse(context.Arg(2), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out count))
                return Done(context, new RespError("ERR value is not an integer or out of range"));
        }
        var nowMs = context.Server.Clock.NowMs;
        var entries = context.Server.AclLog.Newest(count).Select(entry => (RespValue)new RespMap(
        [
            new(RespValue.Bulk("count"), RespValue.Integer(entry.Count)),
            new(RespValue.Bulk("reason"), RespValue.Bulk(Security.AclLogEntry.ReasonText(entry.Reason))),
            new(RespValue.Bulk("context"), RespValue.Bulk(Security.AclLogEntry.Context)),
            new(RespValue.Bulk("object"), RespValue.Bulk(entry.Object)),
            new(RespValue.Bulk("username"), RespValue.Bulk(entry.UserName)),
            new(RespValue.Bulk("age-seconds"), new RespDouble((nowMs - entry.UpdatedAtMs) / 1000.0)),
            new(RespValue.Bulk("client-info"), RespValue.Bulk(entry.ClientInfo)),
        ]));
        return Done(context, new RespArray([.. entries]));
    }

    public static ValueTask Help(CommandContext context) =>
        Done(context, new RespArray([.. HelpLines.Select(line => (RespValue)new RespSimpleString(line))]));

    private static ValueTask Done(CommandContext context, RespValue reply)
    {
        context.Reply(reply);
        return ValueTask.CompletedTask;
    }
}
