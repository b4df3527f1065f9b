using System.Diagnostics;

namespace Vigil.Server.Supervision;

/// <summary>
/// <c>daemonize yes</c>. The reference forks; a .NET process cannot fork, so the process starts a copy of itself
/// with the same arguments and a marker in its environment, and returns 0 at once. The copy (the daemon) leaves
/// the terminal's session and points stdin, stdout and stderr at /dev/null, as the reference's child does, then
/// runs as usual and writes the pidfile.
/// </summary>
public static class Daemon
{
    /// <summary>Set in the copy's environment only; removed by the copy before it runs anything.</summary>
    public const string ChildVariable = "VIGIL_DAEMON_CHILD";

    /// <summary>The pidfile a daemon writes when the config names none (the reference's default).</summary>
    public const string DefaultPidFile = "/var/run/redis.pid";

    public static bool IsDetachedChild => Environment.GetEnvironmentVariable(ChildVariable) == "1";

    /// <summary>Starts the daemon with <paramref name="args"/> (this process's own arguments).</summary>
    public static void StartDetachedCopy(IReadOnlyList<string> args)
    {
        string executable = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this program is unknown");
        var start = new ProcessStartInfo(executable) { UseShellExecute = false };
        // Run as "dotnet vigil.dll": the copy needs the program's path too (a native build is its own executable).
        if (Path.GetFileNameWithoutExtension(executable) == "dotnet") start.ArgumentList.Add(Environment.GetCommandLineArgs()[0]);
        foreach (string arg in args) start.ArgumentList.Add(arg);
        start.Environment[ChildVariable] = "1";
        using var child = Process.Start(start) ?? throw new InvalidOperationException("the daemon did not start");
    }

    /// <summary>In the copy: a new session, no terminal, standard streams on /dev/null.</summary>
    public static void Detach()
    {
        Environment.SetEnvironmentVariable(ChildVariable, null);
        Libc.setsid();
        using var devNull = new FileStream("/dev/null", FileMode.Open, FileAccess.ReadWrite);
        int fd = (int)devNull.SafeFileHandle.DangerousGetHandle();
        for (int standard = 0; standard <= 2; standard++) Libc.dup2(fd, standard);
    }
}
