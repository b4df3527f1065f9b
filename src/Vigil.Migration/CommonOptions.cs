namespace Vigil.Migration;

/// <summary>The credential options every migrate verb takes: <c>--user</c>, <c>--pass</c>, <c>--pass-file</c>.</summary>
internal sealed class CommonOptions
{
    private string? _user;
    private string? _password;
    private string? _passwordFile;

    /// <summary>Consumes the option at <paramref name="i"/> if it is one of these; <paramref name="error"/> when its value is missing.</summary>
    public bool TryTake(IReadOnlyList<string> args, ref int i, out string? error)
    {
        error = null;
        var name = args[i];
        if (name is not ("--user" or "--pass" or "--pass-file")) return false;
        if (i + 1 >= args.Count)
        {
            error = $"{name} needs a value";
            return true;
        }
        var value = args[++i];
        switch (name)
        {
            case "--user": _user = value; break;
            case "--pass": _password = value; break;
            default: _passwordFile = value; break;
        }
        return true;
    }

    public bool TryCredentials(out Links.RedisCredentials? credentials, out string? error)
    {
        credentials = null;
        error = null;
        if (_password is not null && _passwordFile is not null)
        {
            error = "give --pass or --pass-file, not both";
            return false;
        }
        var password = _password;
        if (_passwordFile is not null)
        {
            try
            {
                password = File.ReadLines(_passwordFile).FirstOrDefault() ?? "";
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                error = $"cannot read --pass-file '{_passwordFile}': {ex.Message}";
                return false;
            }
        }
        if (password is null)
        {
            if (_user is not null) error = "--user needs --pass or --pass-file";
            return error is null;
        }
        credentials = new Links.RedisCredentials(_user, password);
        return true;
    }
}
