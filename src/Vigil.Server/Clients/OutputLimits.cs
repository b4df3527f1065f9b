using Vigil.Sentinel.Config;

namespace Vigil.Server.Clients;

/// <summary>
/// Redis's <c>client-output-buffer-limit</c> for the pubsub class: a subscriber whose unread output
/// passes the hard limit, or stays over the soft limit for the soft period, is disconnected so a
/// slow reader cannot grow the server's memory without bound.
/// </summary>
public sealed class OutputLimits(OutputBufferLimit pubSubLimit, Clock clock, Action<string> logWarning)
{
    public void Check(ClientSession session)
    {
        var pending = session.Output.PendingBytes;
        if (Exceeded(session, pending))
        {
            logWarning($"Client id={session.Id} addr={session.RemoteAddress} closed for overcoming of output buffer limits.");
            session.Output.Complete();
            session.Abort();
        }
    }

    private bool Exceeded(ClientSession session, long pendingBytes)
    {
        if (pubSubLimit.HardLimitBytes > 0 && pendingBytes >= pubSubLimit.HardLimitBytes) return true;
        if (pubSubLimit.SoftLimitBytes <= 0 || pendingBytes < pubSubLimit.SoftLimitBytes)
        {
            session.SoftLimitReachedAtMs = 0;
            return false;
        }
        var now = clock.NowMs;
        if (session.SoftLimitReachedAtMs == 0)
        {
            session.SoftLimitReachedAtMs = now;
            return false;
        }
        return now - session.SoftLimitReachedAtMs >= pubSubLimit.SoftSeconds * 1000L;
    }
}
