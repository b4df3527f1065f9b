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
        CloseOnExec();
        using var child = Process.Start(start) ?? throw new InvalidOperationException("the daemon did not start");
    }

    /// <summary>
    /// Only the standard streams go to the daemon (it replaces them at once). Without this it would also inherit
    /// the runtime's copies of stdout/stderr and whatever the launcher left open, and hold its launcher's pipes
    /// open for as long as it runs. This process is about to exit, so nothing of its own is lost.
    /// </summary>
    private static void CloseOnExec()
    {
        foreach (int fd in OpenDescriptors())
        {
            if (fd > 2) Libc.fcntl(fd, Libc.FSetFd, Libc.FdCloExec);
        }
    }

    /// <summary>
    /// In the copy: a new session, no terminal, standard streams on /dev/null. The runtime keeps copies of
    /// stdout/stderr of its own (taken at start-up); they are pointed at /dev/null too, else the daemon would hold
    /// its launcher's pipes open.
    /// </summary>
    public static void Detach()
    {
        Environment.SetEnvironmentVariable(ChildVariable, null);
        Libc.setsid();
        var launcherStreams = new HashSet<string>(StringComparer.Ordinal);
        for (int standard = 0; standard <= 2; standard++)
        {
            if (Target(standard) is { } target && target != "/dev/null") launcherStreams.Add(target);
        }
        using var devNull = new FileStream("/dev/null", FileMode.Open, FileAccess.ReadWrite);
        int nullFd = (int)devNull.SafeFileHandle.DangerousGetHandle();
        for (int standard = 0; standard <= 2; standard++) Libc.dup2(nullFd, standard);
        foreach (int fd in OpenDescriptors())
        {
            if (fd > 2 && Target(fd) is { } target && launcherStreams.Contains(target)) Libc.dup2(nullFd, fd);
        }
    }

    private static IEnumerable<int> OpenDescriptors() =>
        Directory.GetFileSystemEntries("/proc/self/fd")
            .Select(entry => int.TryParse(Path.GetFileName(entry), out int fd) ? fd : -1)
            .Where(fd => fd >= 0)
            .ToList();

    private static string? Target(int fd)
    {
        try { return new FileInfo($"/proc/self/fd/{fd}").LinkTarget; }
        catch (IOException) { return null; }
    }
}
