using System.Security.Cryptography;
using System.Text;

namespace Vigil.Server.Security;

/// <summary>
/// One ACL user of the sentinel's own server: on/off, passwords (kept as SHA-256 hex, as Redis does),
/// and the command rules in the order given, evaluated left to right for each command.
/// Key and channel patterns are kept for display only: a sentinel has no keys, and its pub/sub
/// channels are event names every client may read.
/// </summary>
public sealed class AclUser
{
    private readonly List<string> _passwordHashes = [];
    private readonly List<string> _commandRules = [];
    private readonly List<string> _selectors = [];

    public AclUser(string name) => Name = name;

    public string Name { get; }
    public bool Enabled { get; private set; }
    public bool NoPass { get; private set; }
    public IReadOnlyList<string> PasswordHashes => _passwordHashes;
    public IReadOnlyList<string> CommandRules => _commandRules;

    public static string HashPassword(string password) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(password)));

    public bool CheckPassword(string password) =>
        Enabled && (NoPass || _passwordHashes.Contains(HashPassword(password)));

    /// <summary>Applies one ACL SETUSER rule; returns an error text or null.</summary>
    public string? ApplyRule(string rule)
    {
        var lower = rule.ToLowerInvariant();
        switch (lower)
        {
            case "on": Enabled = true; return null;
            case "off": Enabled = false; return null;
            case "nopass": NoPass = true; _passwordHashes.Clear(); return null;
            case "resetpass": NoPass = false; _passwordHashes.Clear(); return null;
            case "allkeys": SetSelector("~*"); return null;
            case "resetkeys": _selectors.RemoveAll(s => s.StartsWith('~') || s.StartsWith('%')); return null;
            case "allchannels": SetSelector("&*"); return null;
            case "resetchannels": _selectors.RemoveAll(s => s.StartsWith('&')); return null;
            case "allcommands": _commandRules.Clear(); _commandRules.Add("+@all"); return null;
            case "nocommands": _commandRules.Clear(); _commandRules.Add("-@all"); return null;
            case "reset":
                Enabled = false; NoPass = false; _passwordHashes.Clear(); _selectors.Clear(); _commandRules.Clear();
                _commandRules.Add("-@all");
                return null;
        }
        if (rule.Length == 0) return "Syntax error";
        switch (rule[0])
        {
            case '>':
                var hash = HashPassword(rule[1..]);
                if (!_passwordHashes.Contains(hash)) _passwordHashes.Add(hash);
                NoPass = false;
                return null;
            case '<':
                _passwordHashes.Remove(HashPassword(rule[1..]));
                return null;
            case '#':
                if (rule.Length != 65 || !rule[1..].All(Uri.IsHexDigit)) return "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters";
                if (!_passwordHashes.Contains(lower[1..])) _passwordHashes.Add(lower[1..]);
                NoPass = false;
                return null;
            case '!':
                _passwordHashes.Remove(lower[1..]);
                return null;
            case '~':
            case '%':
            case '&':
                SetSelector(rule);
                return null;
            case '+':
            case '-':
                if (rule.Length == 1) return "Syntax error";
                if (lower is "+@all" or "-@all") _commandRules.Clear();
                _commandRules.Add(lower);
                return null;
            default:
                return "Syntax error";
        }
    }

    private void SetSelector(string selector)
    {
        if (!_selectors.Contains(selector)) _selectors.Add(selector);
    }

    /// <summary>Whether this user may run the command (full name like <c>sentinel|myid</c>).</summary>
    public bool CanRun(string fullName, IReadOnlyList<string> categories)
    {
        // Runs for every command: compares spans rather than splitting strings.
        var bar = fullName.IndexOf('|', StringComparison.Ordinal);
        var parent = bar < 0 ? fullName.AsSpan() : fullName.AsSpan(0, bar);
        var allowed = false;
        foreach (var rule in _commandRules)
        {
            var target = rule.AsSpan(1);
            if (target.SequenceEqual("@all")
                || (target.StartsWith('@') && HasCategory(categories, target))
                || target.SequenceEqual(fullName)
                || target.SequenceEqual(parent))
            {
                allowed = rule[0] == '+';
            }
        }
        return allowed;
    }

    private static bool HasCategory(IReadOnlyList<string> categories, ReadOnlySpan<char> category)
    {
        foreach (var candidate in categories)
        {
            if (category.SequenceEqual(candidate)) return true;
        }
        return false;
    }

    /// <summary>The rule string ACL LIST shows after <c>user name</c>.</summary>
    public string Describe()
    {
        var parts = new List<string> { Enabled ? "on" : "off" };
        if (NoPass) parts.Add("nopass");
        parts.AddRange(_passwordHashes.Select(h => "#" + h));
        var keys = _selectors.Where(s => s[0] is '~' or '%').ToList();
        var channels = _selectors.Where(s => s[0] == '&').ToList();
        parts.AddRange(keys);
        parts.Add(channels.Count == 0 ? "resetchannels" : string.Join(' ', channels));
        parts.Add(_commandRules.Count == 0 ? "-@all" : string.Join(' ', _commandRules));
        return string.Join(' ', parts);
    }

    public IReadOnlyList<string> Selectors => _selectors;
}
