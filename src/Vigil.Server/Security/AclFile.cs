using System.Text;

namespace Vigil.Server.Security;

/// <summary>
/// The ACL file (<c>aclfile</c>): one <c>user &lt;name&gt; &lt;rules...&gt;</c> line per user, as ACL SAVE writes it.
/// Parsing collects every problem with its file and line, in the reference's words; any problem means
/// nothing of the file is taken.
/// </summary>
public static class AclFile
{
    public const string NoChangeWarning = "WARNING: ACL errors detected, no change to the previously active ACL rules was performed";

    /// <summary>The users a file declares, in file order; or the errors (null users).</summary>
    public static (List<(string Name, AclRules Rules)>? Users, string? Errors) Parse(string text, string fileName, bool allChannelsByDefault)
    {
        var users = new List<(string Name, AclRules Rules)>();
        var errors = new StringBuilder();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var lineNumber = i + 1;
            var line = lines[i].Trim(' ', '\t', '\r', '\n');
            if (line.Length == 0) continue;
            // Split on single spaces as the reference does: a run of spaces leaves empty words, which change nothing.
            var words = line.Split(' ');
            if (words[0] != "user" || words.Length < 2)
            {
                errors.Append($"{fileName}:{lineNumber} should start with user keyword followed by the username. ");
                continue;
            }
            var name = words[1];
            if (users.Any(u => u.Name == name))
            {
                errors.Append($"WARNING: Duplicate user '{name}' found on line {lineNumber}. ");
                continue;
            }
            var rules = AclRules.NewUser(allChannelsByDefault);
            foreach (var word in words.Skip(2))
            {
                var rule = word.Trim('\t', '\r', '\n');
                if (rule.Length == 0) continue;
                if (rules.Apply(rule, allChannelsByDefault) is { } error)
                {
                    // Only the first error of a line: later ones may only follow from it.
                    errors.Append($"{fileName}:{lineNumber}: {error}. ");
                    break;
                }
            }
            users.Add((name, rules));
        }
        return errors.Length == 0 ? (users, null) : (null, errors.Append(NoChangeWarning).ToString());
    }

    /// <summary>The file ACL SAVE writes: every user, ordered by name, as ACL LIST shows it.</summary>
    public static string Format(IEnumerable<AclUser> users)
    {
        var text = new StringBuilder();
        foreach (var user in users.OrderBy(u => u.Name, StringComparer.Ordinal))
        {
            text.Append("user ").Append(user.Name).Append(' ').Append(user.Describe()).Append('\n');
        }
        return text.ToString();
    }
}
