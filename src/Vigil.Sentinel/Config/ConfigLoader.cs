namespace Vigil.Sentinel.Config;

/// <summary>A line of config as the error banner shows it.</summary>
internal sealed record ConfigLine(string SourcePath, int Number, string Text);

/// <summary>
/// Reads config text line by line the way the reference does: server directives apply at once, in
/// order (an <c>include</c> is read where it stands); <c>sentinel</c> lines are queued and applied
/// afterwards in three passes (<see cref="SentinelPass"/>). Stops at the first error.
/// </summary>
internal sealed class ConfigLoader(
    Func<string, string?> readInclude,
    Func<string, bool> isExecutable,
    Func<string, string?> checkDirectory)
{
    /// <summary>Deepest include chain accepted; deeper is treated as an include loop.</summary>
    public const int MaxIncludeDepth = 16;

    private readonly List<(ConfigLine Line, string[] Args)> _sentinelLines = [];
    private ConfigLine? _current;
    private int _includeDepth;

    public ConfigDraft Draft { get; } = new();

    /// <summary>Reads one text (a file, an included file, or file + overrides).</summary>
    /// <exception cref="ConfigLoadException">On the first bad line.</exception>
    public void LoadText(string text, string sourcePath)
    {
        IReadOnlyList<string> lines = ConfigLexer.SplitLines(text);
        for (int i = 0; i < lines.Count; i++)
        {
            string line = lines[i];
            if (ConfigLexer.IsBlankOrComment(line)) continue;

            var where = new ConfigLine(sourcePath, i + 1, line);
            _current = where;
            string[]? words = ConfigLexer.SplitArgs(line);
            if (words is null) throw new ConfigLoadException(ToError(where, "Unbalanced quotes in configuration line"));
            if (words.Length == 0) continue;

            if (ApplyServerDirective(words) is { } message) throw new ConfigLoadException(ToError(where, message));
        }
    }

    /// <summary>Applies the queued <c>sentinel</c> lines: three passes, each in file order.</summary>
    /// <exception cref="ConfigLoadException">On the first bad line, reported at that line.</exception>
    public void ApplySentinelLines()
    {
        foreach (SentinelPass pass in (ReadOnlySpan<SentinelPass>)[SentinelPass.BeforeMonitor, SentinelPass.Monitor, SentinelPass.AfterMonitor])
        {
            foreach ((ConfigLine line, string[] args) in _sentinelLines)
            {
                if (SentinelDirectives.PassOf(args[0]) != pass) continue;
                if (ApplySentinelDirective(args) is { } message) throw new ConfigLoadException(ToError(line, message));
            }
        }
    }

    /// <summary>Queues the words after <c>sentinel</c> on the current line.</summary>
    public void QueueSentinelLine(IReadOnlyList<string> args)
    {
        Invariants.Check(_current is not null && args.Count > 0, "a sentinel line queued with no current line or no words");
        _sentinelLines.Add((_current!, [.. args]));
    }

    /// <summary>Reads an included file in place; its lines are numbered in that file.</summary>
    public string? Include(string path)
    {
        if (_includeDepth >= MaxIncludeDepth) return $"Too many nested includes (more than {MaxIncludeDepth}); is there an include loop?";
        string? text;
        try
        {
            text = readInclude(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Lets a host pass File.ReadAllText as the reader and still get the reason.
            return $"Fatal error, can't open config file '{path}': {e.Message}";
        }
        if (text is null) return $"Fatal error, can't open config file '{path}'";

        ConfigLine includedFrom = _current!;
        _includeDepth++;
        try
        {
            LoadText(text, path);
        }
        finally
        {
            _includeDepth--;
            _current = includedFrom;
        }
        return null;
    }

    /// <summary><c>dir</c>: the reference changes directory at once, so a relative one stacks on the last.</summary>
    public string? ChangeDirectory(string path)
    {
        string target = path.Length == 0 || Draft.Directory is null ? path : Path.Combine(Draft.Directory, path);
        if (checkDirectory(target) is { } error) return error;
        Draft.Directory = target;
        return null;
    }

    /// <summary>Checks a script path; a relative one is taken from the directory <c>dir</c> set.</summary>
    public bool IsExecutable(string path) =>
        isExecutable(Draft.Directory is null || path.Length == 0 ? path : Path.Combine(Draft.Directory, path));

    private string? ApplyServerDirective(string[] words)
    {
        string name = words[0].ToLowerInvariant();
        int valueCount = words.Length - 1;

        if (ServerDirectives.ByName.TryGetValue(name, out ServerDirective? directive))
        {
            if (directive.AcceptsValueCount(valueCount))
            {
                string? error = directive.Handle(this, ValuesOf(directive, words));
                // TLS lines are another concern's; they are not listed here.
                if (error is null && directive.NoEffect && !name.StartsWith("tls-", StringComparison.Ordinal) && _current is { } line)
                {
                    Draft.NoEffectLines.Add($"{line.SourcePath}:{line.Number}: {name}");
                }
                if (error is null && directive.RuntimeTuning && _current is { } tuningLine)
                {
                    Draft.RuntimeTuningLines.Add($"{tuningLine.SourcePath}:{tuningLine.Number}: {name}");
                }
                return error;
            }
            if (directive.Shape == DirectiveShape.SingleValue) return "wrong number of arguments";
        }
        else if (name.Contains('.'))
        {
            // A module's option ("module.option value"); no module is ever loaded, so it is inert.
            return valueCount < 1 ? "Module config specified without value" : null;
        }
        return "Bad directive or wrong number of arguments";
    }

    /// <summary>
    /// The values a directive sees. A multi-value config given one non-empty value reads it as a
    /// list of words, so that <c>--save "900 1"</c> on the command line works as in the reference.
    /// </summary>
    private static IReadOnlyList<string> ValuesOf(ServerDirective directive, string[] words)
    {
        if (directive.Shape == DirectiveShape.MultiValue && words.Length == 2 && words[1].Length > 0)
        {
            return ConfigLexer.SplitArgs(words[1]) ?? [];
        }
        return new ArraySegment<string>(words, 1, words.Length - 1);
    }

    private string? ApplySentinelDirective(string[] args)
    {
        SentinelDirective? directive = SentinelDirectives.Find(args[0]);
        int count = args.Length - 1;
        if (directive is null || count < directive.MinArgs || count > directive.MaxArgs) return SentinelDirectives.Unrecognized;
        return directive.Handle(this, new ArraySegment<string>(args, 1, count));
    }

    private static ConfigError ToError(ConfigLine line, string message) =>
        new(line.SourcePath, line.Number, line.Text, message);
}
