using Vigil.Sentinel.Config;

namespace Vigil.Server.Security;

/// <summary>
/// The sentinel's users. The default user follows <c>requirepass</c> as in Redis: no password means
/// <c>on nopass</c>; a password means the default user needs it.
/// </summary>
public sealed class AclStore
{
    private readonly Dictionary<string, AclUser> _users = new(StringComparer.Ordinal);

    public AclStore(ServerOptions options)
    {
        var defaultUser = new AclUser("default");
        foreach (var rule in new[] { "on", "nopass", "~*", "&*", "+@all" }) defaultUser.ApplyRule(rule);
        _users["default"] = defaultUser;
        foreach (var line in options.Users)
        {
            if (line.Count == 0) continue;
            var error = SetUser(line[0], line.Skip(1));
            if (error is not null) throw new InvalidOperationException($"Error in user declaration '{line[0]}': {error}");
        }
        if (!string.IsNullOrEmpty(options.RequirePass))
        {
            Default.ApplyRule("resetpass");
            Default.ApplyRule(">" + options.RequirePass);
        }
    }

    public AclUser Default => _users["default"];
    public IEnumerable<AclUser> Users => _users.Values.OrderBy(u => u.Name, StringComparer.Ordinal);

    /// <summary>True when a new connection starts unauthenticated (the default user needs a password or is off).</summary>
    public bool AuthRequired => !(Default.Enabled && Default.NoPass);

    public AclUser? Find(string name) => _users.GetValueOrDefault(name);

    public AclUser? Authenticate(string user, string password)
    {
        var found = Find(user);
        return found is not null && found.CheckPassword(password) ? found : null;
    }

    /// <summary>ACL SETUSER semantics: all rules are checked on a copy first, so a bad rule changes nothing.</summary>
    public string? SetUser(string name, IEnumerable<string> rules)
    {
        var ruleList = rules.ToList();
        var probe = new AclUser(name);
        if (_users.TryGetValue(name, out var existing)) Replay(existing, probe);
        foreach (var rule in ruleList)
        {
            var error = probe.ApplyRule(rule);
            if (error is not null) return $"Error in ACL SETUSER modifier '{rule}': {error}";
        }
        _users[name] = probe;
        return null;
    }

    public bool Delete(string name)
    {
        if (name == "default") return false;
        return _users.Remove(name);
    }

    private static void Replay(AclUser from, AclUser to)
    {
        to.ApplyRule(from.Enabled ? "on" : "off");
        if (from.NoPass) to.ApplyRule("nopass");
        foreach (var hash in from.PasswordHashes) to.ApplyRule("#" + hash);
        foreach (var selector in from.Selectors) to.ApplyRule(selector);
        foreach (var rule in from.CommandRules) to.ApplyRule(rule);
    }
}
