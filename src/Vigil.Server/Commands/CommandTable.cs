using Vigil.Sentinel.Commands;

namespace Vigil.Server.Commands;

/// <summary>
/// The sentinel-mode command table: exactly the reference's 15 commands with their subcommands,
/// arities, flags, ACL categories and tips (what COMMAND INFO reports), and the handler of each.
/// </summary>
public sealed class CommandTable
{
    private static readonly string[] Admin = ["admin"];
    private static readonly string[] SentinelCategories = ["@admin", "@slow", "@dangerous"];
    private static readonly string[] ConnectionFlags = ["noscript", "loading", "stale"];
    private static readonly string[] AdminConnectionFlags = ["admin", "noscript", "loading", "stale"];
    private static readonly string[] SlowConnection = ["@slow", "@connection"];
    private static readonly string[] AdminConnection = ["@admin", "@slow", "@dangerous", "@connection"];
    private static readonly string[] LoadingStale = ["loading", "stale"];
    private static readonly string[] PubSubFlags = ["pubsub", "noscript", "loading", "stale"];
    private static readonly string[] PubSubSlow = ["@pubsub", "@slow"];
    private static readonly string[] NoTips = [];
    private static readonly string[] NondeterministicOutput = ["nondeterministic_output"];
    private static readonly string[] NondeterministicOrder = ["nondeterministic_output_order"];

    private readonly Dictionary<string, CommandSpec> _byName;

    private CommandTable(IReadOnlyList<CommandSpec> all, Dictionary<string, CommandSpec> byName)
    {
        All = all;
        _byName = byName;
    }

    /// <summary>Every command as defined (before renames), in the table's order.</summary>
    public IReadOnlyList<CommandSpec> All { get; }

    /// <summary>The commands a client can call, under their (possibly renamed) names.</summary>
    public IEnumerable<KeyValuePair<string, CommandSpec>> Callable => _byName;

    public CommandSpec? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The lookup of <see cref="Find(string)"/> without making a string of the name first.</summary>
    public CommandSpec? Find(ReadOnlySpan<char> name) =>
        _byName.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var spec) ? spec : null;

    public static CommandTable Create(IReadOnlyDictionary<string, string> renames, RedisCompatibility? compatibility = null)
    {
        var all = Definitions(compatibility ?? RedisCompatibility.Redis70);
        var byName = new Dictionary<string, CommandSpec>(StringComparer.OrdinalIgnoreCase);
        foreach (var spec in all) byName[spec.Name] = spec;
        foreach (var (from, to) in renames)
        {
            if (!byName.Remove(from, out var spec)) continue;
            if (to.Length > 0) byName[to] = spec;
        }
        return new CommandTable(all, byName);
    }

    private static CommandSpec[] Definitions(RedisCompatibility compatibility) =>
    [
        new("sentinel", -2, Admin, SentinelCategories, NoTips)
        {
            Handler = SentinelCommand.Execute,
            Subcommands = Children("sentinel",
            [
                .. SubcommandTable.All.Select(sub => sub.Name == "help"
                    ? new CommandSpec(sub.Name, sub.Arity, LoadingStale, ["@slow"], NoTips)
                    : Sentinel(sub.Name, sub.Arity) with { OptionalArguments = sub.OptionalArguments, Unlisted = sub.VigilOnly }),
            ]),
        },
        new("ping", -1, ["fast"], ["@fast", "@connection"], ["request_policy:all_shards", "response_policy:all_succeeded"]) { Handler = PingCommand.Execute },
        new("info", -1, LoadingStale, ["@slow", "@dangerous"], ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"]) { Handler = InfoCommand.Execute },
        new("role", 1, ["noscript", "loading", "stale", "fast"], ["@admin", "@fast", "@dangerous"], NoTips) { Handler = RoleCommand.Execute },
        new("client", -2, [], ["@slow"], NoTips)
        {
            Subcommands = Children("client",
            [
                new("caching", 3, ConnectionFlags, SlowConnection, NoTips) { Handler = ClientCommand.Caching },
                new("getname", 2, ConnectionFlags, SlowConnection, NoTips) { Handler = ClientCommand.GetName },
                new("getredir", 2, ConnectionFlags, SlowConnection, NoTips) { Handler = ClientCommand.GetRedir },
                new("help", 2, LoadingStale, SlowConnection, NoTips) { Handler = ClientCommand.Help },
                new("id", 2, ConnectionFlags, SlowConnection, NoTips) { Handler = ClientCommand.Id },
                new("info", 2, ConnectionFlags, SlowConnection, NondeterministicOutput) { Handler = ClientCommand.Info },
                new("kill", -3, AdminConnectionFlags, AdminConnection, NoTips) { Handler = ClientCommand.Kill },
                new("list", -2, AdminConnectionFlags, AdminConnection, NondeterministicOutput) { Handler = ClientCommand.List },
                new("no-evict", 3, AdminConnectionFlags, AdminConnection, NoTips) { Handler = ClientCommand.NoEvict },
                new("pause", -3, AdminConnectionFlags, AdminConnection, NoTips) { Handler = ClientCommand.Pause },
                new("reply", 3, ConnectionFlags, SlowConnection, NoTips) { Handler = ClientCommand.Reply },
                .. compatibility.HasClientSetInfo
                    ? [new CommandSpec("setinfo", 4, ConnectionFlags, SlowConnection, ["request_policy:all_nodes", "response_policy:all_succeeded"]) { Handler = ClientCommand.SetInfo }]
                    : Array.Empty<CommandSpec>(),
                new("setname", 3, ConnectionFlags, SlowConnection, NoTips) { Handler = ClientCommand.SetName },
                new("tracking", -3, ConnectionFlags, SlowConnection, NoTips) { Handler = ClientCommand.Tracking },
                new("trackinginfo", 2, ConnectionFlags, SlowConnection, NoTips) { Handler = ClientCommand.TrackingInfo },
                new("unblock", -3, AdminConnectionFlags, AdminConnection, NoTips) { Handler = ClientCommand.Unblock },
                new("unpause", 2, AdminConnectionFlags, AdminConnection, NoTips) { Handler = ClientCommand.Unpause },
            ]),
        },
        new("auth", -2, ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"], ["@fast", "@connection"], NoTips) { Handler = AuthCommand.Execute },
        new("hello", -1, ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"], ["@fast", "@connection"], NoTips) { Handler = HelloCommand.Execute },
        new("subscribe", -2, PubSubFlags, PubSubSlow, NoTips) { Handler = SubscribeCommands.Subscribe },
        new("psubscribe", -2, PubSubFlags, PubSubSlow, NoTips) { Handler = SubscribeCommands.PSubscribe },
        new("unsubscribe", -1, PubSubFlags, PubSubSlow, NoTips) { Handler = SubscribeCommands.Unsubscribe },
        new("punsubscribe", -1, PubSubFlags, PubSubSlow, NoTips) { Handler = SubscribeCommands.PUnsubscribe },
        new("publish", 3, ["pubsub", "loading", "stale", "fast"], ["@pubsub", "@fast"], NoTips) { Handler = PublishCommand.Execute },
        new("shutdown", -1, ["admin", "noscript", "loading", "stale", "no_multi", "allow_busy"], SentinelCategories, NoTips) { Handler = ShutdownCommand.Execute },
        new("acl", -2, [], ["@slow"], NoTips)
        {
            Subcommands = Children("acl",
            [
                new("cat", -2, ConnectionFlags, ["@slow"], NoTips) { Handler = AclCommand.Cat },
                new("deluser", -3, AdminConnectionFlags, SentinelCategories, NoTips) { Handler = AclCommand.DelUser },
                new("dryrun", -4, AdminConnectionFlags, SentinelCategories, NoTips) { Handler = AclCommand.DryRun },
                new("genpass", -2, ConnectionFlags, ["@slow"], NoTips) { Handler = AclCommand.GenPass },
                new("getuser", 3, AdminConnectionFlags, SentinelCategories, NoTips) { Handler = AclCommand.GetUser },
                new("help", 2, LoadingStale, ["@slow"], NoTips) { Handler = AclCommand.Help },
                new("list", 2, AdminConnectionFlags, SentinelCategories, NoTips) { Handler = AclCommand.List },
                new("load", 2, AdminConnectionFlags, SentinelCategories, NoTips) { Handler = AclCommand.Load },
                new("log", -2, AdminConnectionFlags, SentinelCategories, NoTips) { Handler = AclCommand.Log },
                new("save", 2, AdminConnectionFlags, SentinelCategories, NoTips) { Handler = AclCommand.Save },
                new("setuser", -3, AdminConnectionFlags, SentinelCategories, NoTips) { Handler = AclCommand.SetUser },
                new("users", 2, AdminConnectionFlags, SentinelCategories, NoTips) { Handler = AclCommand.Users },
                new("whoami", 2, ConnectionFlags, ["@slow"], NoTips) { Handler = AclCommand.WhoAmI },
            ]),
        },
        new("command", -1, LoadingStale, SlowConnection, NondeterministicOrder)
        {
            Handler = CommandCommand.All,
            Subcommands = Children("command",
            [
                new("count", 2, LoadingStale, SlowConnection, NoTips) { Handler = CommandCommand.Count },
                new("docs", -2, LoadingStale, SlowConnection, NondeterministicOrder) { Handler = CommandCommand.Docs },
                new("getkeys", -4, LoadingStale, SlowConnection, NoTips) { Handler = CommandCommand.GetKeys },
                new("getkeysandflags", -4, LoadingStale, SlowConnection, NoTips) { Handler = CommandCommand.GetKeys },
                new("help", 2, LoadingStale, SlowConnection, NoTips) { Handler = CommandCommand.Help },
                new("info", -2, LoadingStale, SlowConnection, NondeterministicOrder) { Handler = CommandCommand.Info },
                new("list", -2, LoadingStale, SlowConnection, NondeterministicOrder) { Handler = CommandCommand.List },
            ]),
        },
    ];

    private static CommandSpec Sentinel(string name, int arity) => new(name, arity, Admin, SentinelCategories, NoTips);

    private static CommandSpec[] Children(string parent, CommandSpec[] children) =>
        [.. children.Select(child => child with { Parent = parent })];
}
