using System.Text;

namespace Vigil.Sentinel.Config;

/// <summary>
/// Turns the arguments after the config path (<c>--port 1234 --sentinel monitor m 1.2.3.4 6379 2</c>)
/// into config lines the way redis-server does, so they read like lines appended to the file:
/// each <c>--name</c> starts a line, each following argument is added to it quoted.
/// </summary>
internal static class CommandLineOptions
{
    public static string ToConfigText(IReadOnlyList<string> args)
    {
        var text = new StringBuilder();
        // False right after a bare "--name": its value comes next even if it starts with "--".
        bool lastNameHasValue = true;
        for (int j = 0; j < args.Count; j++)
        {
            string arg = args[j];
            bool isLast = j == args.Count - 1;
            bool nextIsName = !isLast && IsOptionName(args[j + 1]);

            if (arg == "-" && isLast)
            {
                // "read the config from stdin": the host's business, nothing to add here.
                continue;
            }

            if (lastNameHasValue && IsOptionName(arg))
            {
                if (text.Length > 0) text.Append('\n');
                text.Append(arg, 2, arg.Length - 2).Append(' ');

                // "--port 6380" given as one argument carries its value with it.
                bool carriesValue = ConfigLexer.SplitArgs(arg) is not { Length: 1 };
                if (carriesValue)
                {
                    lastNameHasValue = true;
                    continue;
                }

                lastNameHasValue = false;
                if (arg.Equals("--save", StringComparison.OrdinalIgnoreCase) && (nextIsName || isLast))
                {
                    // "--save" with nothing after it means an empty save list.
                    text.Append("\"\"");
                    lastNameHasValue = nextIsName;
                }
                else if (arg.Equals("--sentinel", StringComparison.OrdinalIgnoreCase) && nextIsName)
                {
                    // A bare "--sentinel" only selects sentinel mode; it takes no value.
                    lastNameHasValue = true;
                }
            }
            else
            {
                text.Append(ConfigLexer.Quote(arg)).Append(' ');
                lastNameHasValue = true;
            }
        }
        return text.ToString();
    }

    private static bool IsOptionName(string arg) => arg.Length >= 2 && arg[0] == '-' && arg[1] == '-';
}
