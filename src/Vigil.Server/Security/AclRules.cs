using System.Security.Cryptography;
using System.Text;
using Vigil.Sentinel.Text;

namespace Vigil.Server.Security;

/// <summary>
/// What one ACL user may do: on/off, passwords (kept as SHA-256 hex, as Redis does), key patterns (kept for
/// display: a sentinel has no keys), channel patterns, and the command rules in the order given, evaluated
/// left to right for each command.
/// </summary>
/// <remarks>
/// A rule set is edited only before it is published to an <see cref="AclUser"/>; once published it is never
/// changed again, so sessions on other threads read it without locks. ACL SETUSER edits a copy.
/// </remarks>
public sealed class AclRules
{
    private const string AllChannelsPattern = "*";

    private readonly List<string> _passwordHashes = [];
    private readonly List<string> _commandRules = [];
    private readonly List<string> _keyPatterns = [];
    private readonly List<string> _channels = [];

    public bool Enabled { get; private set; }
    public bool NoPass { get; private set; }
    public bool AllChannels { get; private set; }
    public IReadOnlyList<string> PasswordHashes => _passwordHashes;
    public IReadOnlyList<string> CommandRules => _commandRules;
    public IReadOnlyList<string> KeyPatterns => _keyPatterns;

    /// <summary>Channel patterns without their '&amp;'; empty when <see cref="AllChannels"/>.</summary>
    public IReadOnlyList<string> Channels => _channels;

    /// <summary>A new user's rules: off, no password, nothing allowed, channels per <c>acl-pubsub-default</c>.</summary>
    public static AclRules NewUser(bool allChannelsByDefault) => new() { AllChannels = allChannelsByDefault };

    public AclRules Clone()
    {
        var copy = new AclRules { Enabled = Enabled, NoPass = NoPass, AllChannels = AllChannels };
        copy._passwordHashes.AddRange(_passwordHashes);
        copy._commandRules.AddRange(_commandRules);
        copy._keyPatterns.AddRange(_keyPatterns);
        copy._channels.AddRange(_channels);
        return copy;
    }

    public static string HashPassword(string password) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(password)));

    public bool CheckPassword(string password)
    {
        if (!Enabled) return false;
        if (NoPass) return true;
        var hash = Encoding.ASCII.GetBytes(HashPassword(password));
        foreach (var candidate in _passwordHashes)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, Encoding.ASCII.GetBytes(candidate))) return true;
        }
        return false;
    }

    /// <summary>Applies one ACL SETUSER rule; returns the reference's error text or null.</summary>
    /// <param name="allChannelsByDefault"><c>acl-pubsub-default allchannels</c>: what <c>reset</c> restores.</param>
    public string? Apply(string rule, bool allChannelsByDefault)
    {
        var lower = rule.ToLowerInvariant();
        switch (lower)
        {
            case "on": Enabled = true; return null;
            case "off": Enabled = false; return null;
            case "nopass": NoPass = true; _passwordHashes.Clear(); return null;
            case "resetpass": NoPass = false; _passwordHashes.Clear(); return null;
            case "allkeys" or "~*": _keyPatterns.Clear(); _keyPatterns.Add("~*"); return null;
            case "resetkeys": _keyPatterns.Clear(); return null;
            case "allchannels" or "&*": AllChannels = true; _channels.Clear(); return null;
            case "resetchannels": AllChannels = false; _channels.Clear(); return null;
            case "allcommands" or "+@all": _commandRules.Clear(); _commandRules.Add("+@all"); return null;
            case "nocommands" or "-@all": _commandRules.Clear(); _commandRules.Add("-@all"); return null;
            case "sanitize-payload" or "skip-sanitize-payload" or "clearselectors": return null;
            case "reset":
                Apply("resetpass", allChannelsByDefault);
                Apply("resetkeys", allChannelsByDefault);
                Apply(allChannelsByDefault ? "allchannels" : "resetchannels", allChannelsByDefault);
                Apply("off", allChannelsByDefault);
                Apply("-@all", allChannelsByDefault);
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
                if (!_passwordHashes.Remove(HashPassword(rule[1..]))) return PasswordMissing;
                return null;
            case '#':
                if (rule.Length != 65 || !IsLowerHex(rule.AsSpan(1))) return BadHash;
                if (!_passwordHashes.Contains(rule[1..])) _passwordHashes.Add(rule[1..]);
                NoPass = false;
                return null;
            case '!':
                if (rule.Length != 65 || !IsLowerHex(rule.AsSpan(1))) return BadHash;
                if (!_passwordHashes.Remove(rule[1..])) return PasswordMissing;
                return null;
            case '~':
            case '%':
                if (_keyPatterns.Contains("~*")) return KeysAfterAll;
                if (rule.Contains(' ')) return "Syntax error";
                if (!_keyPatterns.Contains(rule)) _keyPatterns.Add(rule);
                return null;
            case '&':
                if (AllChannels) return ChannelsAfterAll;
                if (rule.Contains(' ')) return "Syntax error";
                if (!_channels.Contains(rule[1..])) _channels.Add(rule[1..]);
                return null;
            case '+':
            case '-':
                if (rule.Length == 1) return "Syntax error";
                _commandRules.Add(lower);
                return null;
            default:
                return "Syntax error";
        }
    }

    private const string PasswordMissing = "The password you are trying to remove from the user does not exist";
    private const string BadHash = "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters";
    private const string KeysAfterAll = "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns";
    private const string ChannelsAfterAll = "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels";

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

    /// <summary>
    /// As the reference: a channel name (PUBLISH, SUBSCRIBE) matches the user's patterns as globs; a pattern
    /// (PSUBSCRIBE) must equal one of them literally.
    /// </summary>
    public bool CanAccessChannel(string channel, bool isPattern)
    {
        if (AllChannels) return true;
        foreach (var allowed in _channels)
        {
            if (isPattern ? allowed == channel : GlobPattern.IsMatch(allowed, channel, ignoreCase: false)) return true;
        }
        return false;
    }

    /// <summary>True when every channel these rules allow is still allowed by <paramref name="next"/>.</summary>
    public bool ChannelsCoveredBy(AclRules next)
    {
        if (next.AllChannels) return true;
        if (AllChannels) return false;
        foreach (var channel in _channels)
        {
            if (!next._channels.Contains(channel)) return false;
        }
        return true;
    }

    private static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f')) return false;
        }
        return true;
    }

    private static bool HasCategory(IReadOnlyList<string> categories, ReadOnlySpan<char> category)
    {
        foreach (var candidate in categories)
        {
            if (category.SequenceEqual(candidate)) return true;
        }
        return false;
    }

    /// <summary>The command rules as the reference shows them: always from <c>+@all</c> or <c>-@all</c> (where every user starts).</summary>
    public string CommandsText =>
        _commandRules.Count > 0 && _commandRules[0] is "+@all" or "-@all" ? string.Join(' ', _commandRules) : string.Join(' ', ["-@all", .. _commandRules]);

    public string ChannelsText => AllChannels ? "&*" : string.Join(' ', _channels.Select(c => "&" + c));

    /// <summary>The rule string ACL LIST and ACL SAVE write after <c>user name</c>, in the reference's order.</summary>
    public string Describe()
    {
        var parts = new List<string> { Enabled ? "on" : "off" };
        if (NoPass) parts.Add("nopass");
        parts.AddRange(_passwordHashes.Select(h => "#" + h));
        parts.AddRange(_keyPatterns);
        if (AllChannels) parts.Add("&*");
        else
        {
            parts.Add("resetchannels");
            parts.AddRange(_channels.Select(c => "&" + c));
        }
        parts.Add(CommandsText);
        return string.Join(' ', parts);
    }
}
