namespace Vigil.Server.Commands;

/// <summary>
/// One row of the command table: what COMMAND INFO says about a command, and who runs it.
/// Container commands (CLIENT, ACL, COMMAND, SENTINEL) have subcommands and no handler of their own,
/// except SENTINEL, whose subcommands the core answers.
/// </summary>
public sealed record CommandSpec(
    string Name,
    int Arity,
    IReadOnlyList<string> Flags,
    IReadOnlyList<string> Categories,
    IReadOnlyList<string> Tips)
{
    private readonly string? _parent;

    public string? Parent
    {
        get => _parent;
        init
        {
            _parent = value;
            FullName = value is null ? Name : value + "|" + Name;
        }
    }
    private readonly IReadOnlyList<CommandSpec> _subcommands = [];
    private readonly Dictionary<string, CommandSpec>? _subcommandsByName;

    public IReadOnlyList<CommandSpec> Subcommands
    {
        get => _subcommands;
        init
        {
            _subcommands = value;
            // Looked up for every SENTINEL command a client sends: a scan comparing ignoring case cost more than the
            // answer to GET-MASTER-ADDR-BY-NAME itself.
            _subcommandsByName = new Dictionary<string, CommandSpec>(value.Count, StringComparer.OrdinalIgnoreCase);
            foreach (var sub in value) _subcommandsByName.TryAdd(sub.Name, sub);
        }
    }
    public CommandHandler? Handler { get; init; }

    /// <summary><c>name</c> or <c>parent|name</c>, as errors, ACL and COMMAND LIST spell it.</summary>
    /// <remarks>Computed once (errors, ACL checks and CLIENT LIST read it for every command).</remarks>
    public string FullName { get; private init; } = Name;

    public bool HasFlag(string flag) => Flags.Contains(flag);

    /// <summary>
    /// Words past <see cref="Arity"/> the handler also takes, for an option later servers added (SENTINEL FAILOVER
    /// ... COORDINATED) while COMMAND INFO keeps the reference's arity.
    /// </summary>
    public int OptionalArguments { get; init; }

    /// <summary>A Vigil-only subcommand: dispatched, but COMMAND LIST and INFO leave it out (they answer as the reference).</summary>
    public bool Unlisted { get; init; }

    /// <summary>The subcommands COMMAND reports.</summary>
    public IEnumerable<CommandSpec> ListedSubcommands => Subcommands.Where(sub => !sub.Unlisted);

    public bool AcceptsArgumentCount(int count) =>
        Arity >= 0 ? count >= Arity && count <= Arity + OptionalArguments : count >= -Arity;

    public CommandSpec? FindSubcommand(ReadOnlySpan<char> name) =>
        _subcommandsByName is not null && _subcommandsByName.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var sub)
            ? sub
            : null;
}

public delegate ValueTask CommandHandler(CommandContext context);
