namespace Vigil.Server.Security;

/// <summary>
/// One ACL user of the sentinel's own server. Sessions hold the user itself, not a copy of its rules, so
/// ACL SETUSER acts on every open session at once, as in Redis: the next command is checked against the new
/// rules. The rules are swapped whole (see <see cref="AclRules"/>), never edited where a session can see them.
/// </summary>
public sealed class AclUser(string name, AclRules rules)
{
    private volatile AclRules _rules = rules;

    public string Name { get; } = name;
    public AclRules Rules => _rules;

    /// <summary>False once ACL DELUSER or ACL LOAD removed the user: a session still holding it is dropped.</summary>
    public bool IsLive { get; private set; } = true;

    public bool Enabled => _rules.Enabled;
    public bool NoPass => _rules.NoPass;

    public void Publish(AclRules rules) => _rules = rules;
    public void Retire() => IsLive = false;

    public bool CheckPassword(string password) => _rules.CheckPassword(password);
    public bool CanRun(string fullName, IReadOnlyList<string> categories) => _rules.CanRun(fullName, categories);
    public bool CanAccessChannel(string channel, bool isPattern) => _rules.CanAccessChannel(channel, isPattern);
    public string Describe() => _rules.Describe();
}
