using System.Net.Sockets;

namespace Vigil.Server.Net;

/// <summary>
/// What the accept loop does when the process (EMFILE) or the system (ENFILE) has no descriptor left, or the kernel
/// no buffer: the pending connection stays in the listen backlog and accept fails again at once, so retrying at
/// once only burns a core. Waits instead, from a few milliseconds doubling up to half a second, and says so once per
/// episode; the clients already connected are served meanwhile, and freed descriptors let accepting resume.
/// </summary>
internal sealed class AcceptBackoff
{
    private const int FirstDelayMs = 5;
    private const int MaxDelayMs = 500;

    private int _delayMs;

    public bool IsStarved => _delayMs != 0;

    public static bool IsResourceShortage(SocketException ex) =>
        ex.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable;

    /// <summary>The delay before the next accept; true the first time in an episode (the caller logs it).</summary>
    public int NextDelayMs(out bool episodeStarted)
    {
        episodeStarted = _delayMs == 0;
        _delayMs = episodeStarted ? FirstDelayMs : Math.Min(_delayMs * 2, MaxDelayMs);
        return _delayMs;
    }

    /// <summary>An accept succeeded; true if that ends an episode.</summary>
    public bool Recovered()
    {
        bool wasStarved = _delayMs != 0;
        _delayMs = 0;
        return wasStarved;
    }
}
