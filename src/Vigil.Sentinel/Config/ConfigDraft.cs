namespace Vigil.Sentinel.Config;

/// <summary>The configuration while it is being read: directives update it in file order.</summary>
internal sealed class ConfigDraft
{
    /// <summary>Bounds the reference applies to <c>hz</c> after loading.</summary>
    private const int MinHz = 1;
    private const int MaxHz = 500;

    /// <summary>
    /// The commands a 7.0 sentinel serves (compatibility-rules §10.1); <c>rename-command</c> may only name these.
    /// </summary>
    private static readonly string[] SentinelModeCommands =
    [
        "sentinel", "ping", "info", "role", "client", "auth", "hello", "subscribe", "psubscribe",
        "unsubscribe", "punsubscribe", "publish", "shutdown", "acl", "command",
    ];

    private readonly List<MasterDraft> _masters = [];
    /// <summary>Current name of each command → its original name; renames change the keys.</summary>
    private readonly Dictionary<string, string> _commandsByCurrentName = CreateCommandTable();
    private readonly Dictionary<string, MasterDraft> _mastersByName = new(StringComparer.Ordinal);

    public ServerOptions Server { get; set; } = new();
    public TlsOptions Tls { get; set; } = new();
    public SentinelOptions Sentinel { get; set; } = new();
    public List<IReadOnlyList<string>> Users { get; } = [];
    public List<string> NoEffectLines { get; } = [];
    public List<string> RuntimeTuningLines { get; } = [];
    /// <summary>Original command name → new name ("" = disabled).</summary>
    public Dictionary<string, string> RenameCommands { get; } = new(StringComparer.OrdinalIgnoreCase);
    public long Hz { get; set; } = 10;

    /// <summary>Directory set by <c>dir</c> lines so far (each relative one applies on top of the last), or null.</summary>
    public string? Directory { get; set; }

    /// <summary>
    /// <c>rename-command &lt;current&gt; &lt;new&gt;</c> as the reference applies it to its live command table:
    /// the old name disappears, a later rename must use the new one, "" removes the command.
    /// </summary>
    public string? RenameServerCommand(string currentName, string newName)
    {
        if (!_commandsByCurrentName.Remove(currentName, out string? original)) return "No such command in rename-command";
        if (newName.Length > 0 && !_commandsByCurrentName.TryAdd(newName, original)) return "Target command name already exists";
        RenameCommands[original] = newName;
        return null;
    }

    public MasterDraft? FindMaster(string name) => _mastersByName.GetValueOrDefault(name);

    /// <summary>Adds a master; false if the name (case-sensitive) is taken.</summary>
    public bool TryAddMaster(MasterDraft master)
    {
        if (!_mastersByName.TryAdd(master.Config.Name, master)) return false;
        _masters.Add(master);
        return true;
    }

    public SentinelConfig Build(string sourcePath)
    {
        var masters = new List<MasterConfig>(_masters.Count);
        foreach (MasterDraft master in _masters) masters.Add(master.Build());
        return new SentinelConfig
        {
            SourcePath = sourcePath,
            Server = Server with
            {
                Dir = Directory ?? Server.Dir,
                Users = [.. Users],
                RenameCommands = new Dictionary<string, string>(RenameCommands, StringComparer.OrdinalIgnoreCase),
                Hz = (int)Math.Clamp(Hz, MinHz, MaxHz),
                Tls = Tls,
            },
            Sentinel = Sentinel,
            Masters = masters,
            NoEffectLines = [.. NoEffectLines],
            RuntimeTuningLines = [.. RuntimeTuningLines],
        };
    }

    private static Dictionary<string, string> CreateCommandTable()
    {
        var table = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string name in SentinelModeCommands) table.Add(name, name);
        return table;
    }
}
