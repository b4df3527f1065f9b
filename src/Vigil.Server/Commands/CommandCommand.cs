using Vigil.Resp;

namespace Vigil.Server.Commands;

/// <summary>COMMAND and its subcommands, answered from the command table.</summary>
public static class CommandCommand
{
    private static readonly string[] HelpLines =
    [
        "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "(no subcommand)",
        "    Return details about all Redis commands.",
        "COUNT",
        "    Return the total number of commands in this Redis server.",
        "LIST",
        "    Return a list of all commands in this Redis server.",
        "INFO [<command-name> ...]",
        "    Return details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "DOCS [<command-name> ...]",
        "    Return documentation details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "GETKEYS <full-command>",
        "    Return the keys from a full Redis command.",
        "GETKEYSANDFLAGS <full-command>",
        "    Return the keys and the access flags from a full Redis command.",
        "HELP",
        "    Prints this help.",
    ];

    public static ValueTask All(CommandContext context) =>
        Done(context, new RespArray([.. context.Server.Commands.Callable.Select(pair => Describe(pair.Value, pair.Key))]));

    public static ValueTask Count(CommandContext context) =>
        Done(context, RespValue.Integer(context.Server.Commands.Callable.Count()));

    public static ValueTask List(CommandContext context)
    {
        IEnumerable<CommandSpec> specs = context.Server.Commands.Callable.Select(pair => pair.Value);
        if (context.Count == 5 && context.ArgLower(2) == "filterby")
        {
            var kind = context.ArgLower(3);
            var value = context.Arg(4);
            specs = kind switch
            {
                "aclcat" => specs.Where(s => s.Categories.Contains("@" + value.ToLowerInvariant())),
                "pattern" => specs.Where(s => Vigil.Sentinel.Text.GlobPattern.IsMatch(value, s.Name, ignoreCase: true)),
                "module" => [],
                _ => specs,
            };
            if (kind is not ("aclcat" or "pattern" or "module")) return Done(context, new RespError("ERR syntax error"));
        }
        else if (context.Count != 2)
        {
            return Done(context, new RespError("ERR syntax error"));
        }
        var names = new List<RespValue>();
        foreach (var spec in specs)
        {
            names.Add(RespValue.Bulk(spec.Name));
            foreach (var sub in spec.ListedSubcommands) names.Add(RespValue.Bulk(sub.FullName));
        }
        return Done(context, new RespArray(names));
    }

    public static ValueTask Info(CommandContext context)
    {
        if (context.Count == 2) return All(context);
        var replies = new List<RespValue>();
        for (var i = 2; i < context.Count; i++)
        {
            var spec = Lookup(context, context.Arg(i));
            replies.Add(spec is null ? RespValue.NullValue : Describe(spec, spec.FullName));
        }
        return Done(context, new RespArray(replies));
    }

    public static ValueTask Docs(CommandContext context)
    {
        var entries = new List<KeyValuePair<RespValue, RespValue>>();
        IEnumerable<CommandSpec> specs = context.Count == 2
            ? context.Server.Commands.Callable.Select(pair => pair.Value)
            : Enumerable.Range(2, context.Count - 2).Select(i => Lookup(context, context.Arg(i))).OfType<CommandSpec>();
        foreach (var spec in specs)
        {
            entries.Add(new(RespValue.Bulk(spec.FullName), new RespMap(
            [
                new(RespValue.Bulk("summary"), RespValue.Bulk(CommandDocs.Summary(spec.FullName))),
                new(RespValue.Bulk("since"), RespValue.Bulk(CommandDocs.Since(spec.FullName))),
                new(RespValue.Bulk("group"), RespValue.Bulk(CommandDocs.Group(spec))),
            ])));
        }
        return Done(context, new RespMap(entries));
    }

    public static ValueTask GetKeys(CommandContext context)
    {
        var spec = context.Server.Commands.Find(context.Arg(2));
        if (spec is null) return Done(context, new RespError("ERR Invalid command specified"));
        if (!spec.AcceptsArgumentCount(context.Count - 2)) return Done(context, new RespError("ERR Invalid number of arguments specified for command"));
        return Done(context, new RespError("ERR The command has no key arguments"));
    }

    public static ValueTask Help(CommandContext context) =>
        Done(context, new RespArray([.. HelpLines.Select(line => (RespValue)new RespSimpleString(line))]));

    private static CommandSpec? Lookup(CommandContext context, string name)
    {
        var parts = name.Split('|');
        var spec = context.Server.Commands.Find(parts[0]);
        return parts.Length == 2 ? spec?.FindSubcommand(parts[1]) : spec;
    }

    /// <summary>The 10-element COMMAND INFO entry of Redis 7.0.</summary>
    private static RespValue Describe(CommandSpec spec, string name) => RespValue.Array(
        RespValue.Bulk(spec.Parent is null ? name.ToLowerInvariant() : spec.FullName),
        RespValue.Integer(spec.Arity),
        new RespSet([.. spec.Flags.Select(f => (RespValue)new RespSimpleString(f))]),
        RespValue.Integer(0),
        RespValue.Integer(0),
        RespValue.Integer(0),
        new RespSet([.. spec.Categories.Select(c => (RespValue)new RespSimpleString(c))]),
        new RespSet([.. spec.Tips.Select(t => (RespValue)RespValue.Bulk(t))]),
        new RespSet([]),
        // Redis answers an empty set for a command without subcommands, an array otherwise.
        spec.Subcommands.Count == 0 ? new RespSet([]) : new RespArray([.. spec.ListedSubcommands.Select(sub => Describe(sub, sub.FullName))]));

    private static ValueTask Done(CommandContext context, RespValue reply)
    {
        context.Reply(reply);
        return ValueTask.CompletedTask;
    }
}
