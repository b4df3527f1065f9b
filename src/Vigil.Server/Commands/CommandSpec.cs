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
    public string? Parent { get; init; }
    public IReadOnlyList<CommandSpec> Subcommands { get; init; } = [];
    public CommandHandler? Handler { get; init; }

    /// <summary><c>name</c> or <c>parent|name</c>, as errors, ACL and COMMAND LIST spell it.</summary>
    public string FullName => Parent is null ? Name : Parent + "|" + Name;

    public bool HasFlag(string flag) => Flags.Contains(flag);

    public bool AcceptsArgumentCount(int count) => Arity >= 0 ? count == Arity : count >= -Arity;

    public CommandSpec? FindSubcommand(string name)
    {
        foreach (var sub in Subcommands)
        {
            if (string.Equals(sub.Name, name, StringComparison.OrdinalIgnoreCase)) return sub;
        }
        return null;
    }
}

public delegate ValueTask CommandHandler(CommandContext context);
