using System.Text;
using Vigil.Sentinel.Config;
using Vigil.Server.State;

namespace Vigil.Server.Security;

/// <summary>
/// The sentinel's users. The default user follows <c>requirepass</c> as in Redis: no password means
/// <c>on nopass</c>; a password means the default user needs it. With <c>aclfile</c> the users come from that
/// file instead of <c>user</c> lines, and ACL LOAD / ACL SAVE read and write it.
/// </summary>
/// <remarks>Sessions run on many threads: every change to the set of users happens under one lock.</remarks>
public sealed class AclStore
{
    private static readonly string[] DefaultUserRules = ["on", "nopass", "~*", "&*", "+@all"];

    private readonly Dictionary<string, AclUser> _users = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly bool _allChannelsByDefault;

    /// <exception cref="AclStartupException">A <c>user</c> line or the ACL file cannot be applied.</exception>
    public AclStore(ServerOptions options)
    {
        _allChannelsByDefault = options.AclPubsubAllChannels;
        FilePath = options.AclFile;
        Default = new AclUser("default", DefaultRules());
        _users["default"] = Default;
        foreach (var line in options.Users)
        {
            if (line.Count == 0) continue;
            var (error, _, _) = SetUser(line[0], line.Skip(1));
            if (error is not null) throw new AclStartupException($"Error in user declaration '{line[0]}': {error}");
        }
        if (!string.IsNullOrEmpty(options.RequirePass))
        {
            var rules = Default.Rules.Clone();
            rules.Apply("resetpass", _allChannelsByDefault);
            rules.Apply(">" + options.RequirePass, _allChannelsByDefault);
            Default.Publish(rules);
        }
        if (FilePath is null) return;
        if (options.Users.Count > 0)
        {
            throw new AclStartupException("Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. " +
                "This setup is very likely to lead to configuration errors and security holes, please define either an ACL file or declare users " +
                "directly in your redis.conf, but not both.");
        }
        var (loadError, _) = Load();
        if (loadError is not null) throw new AclStartupException($"Aborting Redis startup because of ACL errors: {loadError}");
    }

    /// <summary>The <c>aclfile</c>, or null when users come from the config file.</summary>
    public string? FilePath { get; }

    /// <summary>The one default user: its rules change, the object never does (sessions hold it).</summary>
    public AclUser Default { get; }

    public IReadOnlyList<AclUser> Users
    {
        get { lock (_lock) return [.. _users.Values.OrderBy(u => u.Name, StringComparer.Ordinal)]; }
    }

    /// <summary>True when a new connection starts unauthenticated (the default user needs a password or is off).</summary>
    public bool AuthRequired => !(Default.Enabled && Default.NoPass);

    public AclUser? Find(string name)
    {
        lock (_lock) return _users.GetValueOrDefault(name);
    }

    public AclUser? Authenticate(string user, string password)
    {
        var found = Find(user);
        return found is not null && found.CheckPassword(password) ? found : null;
    }

    /// <summary>
    /// ACL SETUSER: the rules are applied to a copy first, so a bad rule changes nothing; then the copy replaces the
    /// user's rules (a new user is created). Returns the error, or the user and its rules from before.
    /// </summary>
    public (string? Error, AclUser? User, AclRules? Previous) SetUser(string name, IEnumerable<string> rules)
    {
        lock (_lock)
        {
            var existing = _users.GetValueOrDefault(name);
            var draft = existing?.Rules.Clone() ?? AclRules.NewUser(_allChannelsByDefault);
            foreach (var rule in rules)
            {
                if (draft.Apply(rule, _allChannelsByDefault) is { } error) return ($"Error in ACL SETUSER modifier '{rule}': {error}", null, null);
            }
            if (existing is null)
            {
                var created = new AclUser(name, draft);
                _users[name] = created;
                return (null, created, null);
            }
            var previous = existing.Rules;
            existing.Publish(draft);
            return (null, existing, previous);
        }
    }

    /// <summary>Removes a user; its sessions must be dropped (it is retired). The default user cannot be removed.</summary>
    public AclUser? Delete(string name)
    {
        if (name == "default") return null;
        lock (_lock)
        {
            if (!_users.Remove(name, out var removed)) return null;
            removed.Retire();
            return removed;
        }
    }

    /// <summary>
    /// ACL LOAD: reads the whole file and, only if all of it is right, replaces every user. The default user keeps
    /// its identity and takes the file's rules (or the built-in ones); every other user of before is retired, as the
    /// reference frees them and drops their clients. Returns the error text, or the retired users.
    /// </summary>
    public (string? Error, IReadOnlyList<AclUser> Retired) Load()
    {
        var path = FilePath ?? throw new InvalidOperationException("no aclfile");
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ($"Error loading ACLs, opening file '{path}': {ErrorText(ex)}", []);
        }
        var (loaded, errors) = AclFile.Parse(text, path, _allChannelsByDefault);
        if (loaded is null) return (errors, []);
        lock (_lock)
        {
            var retired = _users.Values.Where(u => u != Default).ToList();
            foreach (var user in retired) user.Retire();
            _users.Clear();
            var fromFile = loaded.Find(u => u.Name == "default");
            Default.Publish(fromFile.Name is null ? DefaultRules() : fromFile.Rules);
            _users["default"] = Default;
            foreach (var (name, rules) in loaded.Where(u => u.Name != "default")) _users[name] = new AclUser(name, rules);
            return (null, retired);
        }
    }

    /// <summary>ACL SAVE: the users as ACL LIST shows them, written atomically with mode 0600 (the file holds password hashes).</summary>
    public void Save()
    {
        var path = FilePath ?? throw new InvalidOperationException("no aclfile");
        AtomicFile.Write(path, Encoding.UTF8.GetBytes(AclFile.Format(Users)));
    }

    private AclRules DefaultRules()
    {
        var rules = AclRules.NewUser(_allChannelsByDefault);
        foreach (var rule in DefaultUserRules) rules.Apply(rule, _allChannelsByDefault);
        return rules;
    }

    private static string ErrorText(Exception ex) => ex switch
    {
        FileNotFoundException or DirectoryNotFoundException => "No such file or directory",
        UnauthorizedAccessException => "Permission denied",
        _ => ex.Message,
    };
}

/// <summary>The users cannot be set up at start: the process exits with this message, as the reference does.</summary>
public sealed class AclStartupException(string message) : Exception(message);
