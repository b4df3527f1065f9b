namespace Vigil.Sentinel.Commands;

/// <summary>
/// One SENTINEL subcommand's name and arity, counted as Redis counts them ("SENTINEL" and the subcommand
/// included): positive = exactly that many words plus up to <see cref="OptionalArguments"/> more, negative = at
/// least that many. <see cref="VigilOnly"/>: Vigil's own, answered but not listed by COMMAND, whose replies stay
/// the reference's.
/// </summary>
public sealed record SubcommandArity(string Name, int Arity, int OptionalArguments = 0, bool VigilOnly = false)
{
    public bool Fits(int argc) => Arity >= 0 ? argc >= Arity && argc <= Arity + OptionalArguments : argc >= -Arity;
}

/// <summary>
/// The SENTINEL subcommands in the reference's table order (plus Vigil's own, in alphabetical place): the core
/// dispatches on it and the host's COMMAND table lists it, so the two can never disagree on a name or an arity.
/// </summary>
public static class SubcommandTable
{
    public static IReadOnlyList<SubcommandArity> All { get; } =
    [
        new("ckquorum", 3),
        new("config", -3),
        new("debug", -2),
        // COMMAND INFO reports 3, as 7.0 does; the optional word is COORDINATED.
        new("failover", 3, OptionalArguments: 1),
        new("flushconfig", 2),
        new("get-master-addr-by-name", 3),
        new("help", 2),
        new("info-cache", -3),
        new("is-master-down-by-addr", 6),
        new("master", 3),
        new("masters", 2),
        new("monitor", 6),
        // redis-sentinel answers "unknown subcommand": see SentinelSubcommands.MoveMaster.cs.
        new("move-master", 5, VigilOnly: true),
        new("myid", 2),
        new("pending-scripts", 2),
        new("remove", 3),
        new("replicas", 3),
        new("reset", 3),
        new("sentinels", 3),
        new("set", -5),
        new("simulate-failure", -3),
        new("slaves", 3),
    ];
}
