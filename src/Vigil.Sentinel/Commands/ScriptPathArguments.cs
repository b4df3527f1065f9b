using System.Text;

namespace Vigil.Sentinel.Commands;

/// <summary>
/// The script paths a <c>SENTINEL SET</c> names (the values of <c>notification-script</c> and
/// <c>client-reconfig-script</c>). The core touches no file: the host checks these paths before it sends the request
/// and attaches the executable ones (<see cref="SentinelRequest.ExecutablePaths"/>), the way the reference checks
/// them while it runs the command.
/// </summary>
public static class ScriptPathArguments
{
    /// <summary>
    /// Every word that follows a script option after <c>SET &lt;master&gt;</c> (a few more than the options parse to
    /// at most, never fewer; the empty path, which clears a script, is left out).
    /// </summary>
    public static IReadOnlyList<string> Of(IReadOnlyList<byte[]> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count < 4 || !Is(args[0], "set")) return [];
        var paths = new List<string>();
        for (int i = 2; i + 1 < args.Count; i++)
        {
            if ((Is(args[i], "notification-script") || Is(args[i], "client-reconfig-script")) && args[i + 1].Length > 0)
            {
                paths.Add(Encoding.UTF8.GetString(args[i + 1]));
            }
        }
        return paths;
    }

    private static bool Is(byte[] word, string name) =>
        word.Length == name.Length && string.Equals(Encoding.UTF8.GetString(word), name, StringComparison.OrdinalIgnoreCase);
}
