using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Vigil.Proxy;

/// <summary>
/// The Linux calls the forwarding loops make themselves (epoll, eventfd, non-blocking socket calls): .NET's socket
/// engine tries one more receive after every successful one and hops through its own queues, which on the
/// forwarding path cost about a third of the proxy's system calls (bench/README.md, section 8c).
/// </summary>
internal static class LinuxSockets
{
    public const uint EpollIn = 0x001;
    public const uint EpollOut = 0x004;
    public const uint EpollErr = 0x008;
    public const uint EpollHup = 0x010;

    public const int EpollCtlAdd = 1;
    public const int EpollCtlDel = 2;
    public const int EpollCtlMod = 3;

    private const int CloExec = 0x80000;
    private const int NonBlock = 0x800;
    private const int SockStream = 1;
    private const int MsgDontWait = 0x40;
    private const int MsgNoSignal = 0x4000;
    private const int SolSocket = 1;
    private const int SoError = 4;
    private const int IpProtoTcp = 6;
    private const int TcpNoDelay = 1;
    private const int ShutWr = 1;
    private const int ShutRdWr = 2;

    public const int EIntr = 4;
    public const int EAgain = 11;
    public const int EInProgress = 115;

    /// <summary>epoll_event is packed (12 bytes) on x86-64 and naturally aligned (16 bytes) elsewhere.</summary>
    public static readonly int EventBytes = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    private static readonly int EventDataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    public static uint EventFlags(ReadOnlySpan<byte> events, int index) =>
        BitConverter.ToUInt32(events.Slice(index * EventBytes, 4));

    public static ulong EventData(ReadOnlySpan<byte> events, int index) =>
        BitConverter.ToUInt64(events.Slice(index * EventBytes + EventDataOffset, 8));

    public static int LastError => Marshal.GetLastPInvokeError();

    public static int CreateEpoll() => Check(epoll_create1(CloExec), "epoll_create1");

    public static int CreateEventFd() => Check(eventfd(0, CloExec | NonBlock), "eventfd");

    /// <summary>ADD, MOD or DEL; false (errno in <see cref="LastError"/>) when the kernel refused.</summary>
    public static bool Control(int epoll, int operation, int fd, uint flags, ulong data)
    {
        Span<byte> ev = stackalloc byte[16];
        ev.Clear();
        BitConverter.TryWriteBytes(ev, flags);
        BitConverter.TryWriteBytes(ev[EventDataOffset..], data);
        return epoll_ctl(epoll, operation, fd, ref MemoryMarshal.GetReference(ev)) == 0;
    }

    /// <summary>Waits for events into <paramref name="events"/>; how many, 0 on a timeout or a signal.</summary>
    public static int Wait(int epoll, byte[] events, int timeoutMs)
    {
        var count = epoll_wait(epoll, ref events[0], events.Length / EventBytes, timeoutMs);
        if (count >= 0) return count;
        if (LastError == EIntr) return 0;
        throw new IOException($"epoll_wait failed: errno {LastError}");
    }

    /// <summary>Adds one to the eventfd's counter, retrying when a signal interrupted the call.</summary>
    public static void Signal(int eventFd)
    {
        long one = 1;
        while (write(eventFd, ref one, 8) < 0 && LastError == EIntr)
        {
        }
    }

    public static void Drain(int eventFd)
    {
        long value = 0;
        _ = read(eventFd, ref value, 8);
    }

    /// <summary>Bytes received (0 at end of stream), or -1 with the errno in <see cref="LastError"/>; never blocks.</summary>
    public static int Receive(int fd, byte[] buffer, int offset, int count) =>
        (int)recv(fd, ref buffer[offset], count, MsgDontWait);

    /// <summary>Bytes sent, or -1 with the errno in <see cref="LastError"/>; never blocks, never raises SIGPIPE.</summary>
    public static int Send(int fd, byte[] buffer, int offset, int count) =>
        (int)send(fd, ref buffer[offset], count, MsgDontWait | MsgNoSignal);

    public static void ShutdownWrite(int fd) => _ = shutdown(fd, ShutWr);

    public static void ShutdownBoth(int fd) => _ = shutdown(fd, ShutRdWr);

    public static void Close(int fd) => _ = close(fd);

    /// <summary>The socket's pending error (0 once a non-blocking connect succeeded).</summary>
    public static int PendingError(int fd)
    {
        var error = 0;
        var length = sizeof(int);
        return getsockopt(fd, SolSocket, SoError, ref error, ref length) == 0 ? error : LastError;
    }

    /// <summary>
    /// A non-blocking TCP socket with TCP_NODELAY, connecting to <paramref name="endpoint"/>: the descriptor and
    /// whether the connect is still in progress; throws <see cref="SocketException"/> when it failed at once.
    /// </summary>
    public static (int Fd, bool InProgress) StartConnect(IPEndPoint endpoint)
    {
        var family = endpoint.AddressFamily == AddressFamily.InterNetworkV6 ? 10 : 2;
        var fd = socket(family, SockStream | NonBlock | CloExec, 0);
        if (fd < 0) throw new SocketException(LastError);
        var one = 1;
        _ = setsockopt(fd, IpProtoTcp, TcpNoDelay, ref one, sizeof(int));
        var address = SocketAddressBytes(endpoint, family);
        if (connect(fd, ref address[0], address.Length) == 0) return (fd, false);
        var error = LastError;
        if (error == EInProgress) return (fd, true);
        close(fd);
        throw new SocketException(error);
    }

    /// <summary>sockaddr_in or sockaddr_in6 for <paramref name="endpoint"/>.</summary>
    private static byte[] SocketAddressBytes(IPEndPoint endpoint, int family)
    {
        var bytes = new byte[family == 10 ? 28 : 16];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 2), (ushort)family);
        bytes[2] = (byte)(endpoint.Port >> 8);
        bytes[3] = (byte)endpoint.Port;
        if (family == 10)
        {
            endpoint.Address.TryWriteBytes(bytes.AsSpan(8, 16), out _);
            BitConverter.TryWriteBytes(bytes.AsSpan(24, 4), (uint)endpoint.Address.ScopeId);
        }
        else
        {
            endpoint.Address.TryWriteBytes(bytes.AsSpan(4, 4), out _);
        }
        return bytes;
    }

    private static int Check(int result, string call) =>
        result >= 0 ? result : throw new IOException($"{call} failed: errno {LastError}");

    [DllImport("libc", SetLastError = true)]
    private static extern int epoll_create1(int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int epoll_ctl(int epoll, int operation, int fd, ref byte ev);

    [DllImport("libc", SetLastError = true)]
    private static extern int epoll_wait(int epoll, ref byte events, int maxEvents, int timeoutMs);

    [DllImport("libc", SetLastError = true)]
    private static extern int eventfd(uint initial, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern nint read(int fd, ref long value, nint count);

    [DllImport("libc", SetLastError = true)]
    private static extern nint write(int fd, ref long value, nint count);

    [DllImport("libc", SetLastError = true)]
    private static extern nint recv(int fd, ref byte buffer, nint count, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern nint send(int fd, ref byte buffer, nint count, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int shutdown(int fd, int how);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int socket(int domain, int type, int protocol);

    [DllImport("libc", SetLastError = true)]
    private static extern int connect(int fd, ref byte address, int length);

    [DllImport("libc", SetLastError = true)]
    private static extern int setsockopt(int fd, int level, int name, ref int value, int length);

    [DllImport("libc", SetLastError = true)]
    private static extern int getsockopt(int fd, int level, int name, ref int value, ref int length);
}
