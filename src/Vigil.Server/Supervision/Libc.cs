using System.Runtime.InteropServices;

namespace Vigil.Server.Supervision;

/// <summary>The few POSIX calls .NET has no API for: detaching from the terminal, stopping oneself.</summary>
internal static partial class Libc
{
    public const int SigStop = 19;

    public const int FSetFd = 2;
    public const int FdCloExec = 1;

    [DllImport("libc", SetLastError = true)]
    public static extern int setsid();

    [DllImport("libc", SetLastError = true)]
    public static extern int fcntl(int fd, int command, int argument);

    [DllImport("libc", SetLastError = true)]
    public static extern int dup2(int oldFd, int newFd);

    [DllImport("libc", SetLastError = true)]
    public static extern int getpid();

    [DllImport("libc", SetLastError = true)]
    public static extern int kill(int pid, int signal);
}
