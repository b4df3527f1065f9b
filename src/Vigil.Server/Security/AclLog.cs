namespace Vigil.Server.Security;

/// <summary>Why an ACL LOG entry was written, with the word ACL LOG shows.</summary>
public enum AclDenial
{
    Command,
    Channel,
    Auth,
}

/// <summary>One ACL LOG entry; repeats of the same denial within a minute raise <see cref="Count"/>.</summary>
public sealed class AclLogEntry(AclDenial reason, string obj, string userName, long createdAtMs, string clientInfo)
{
    public AclDenial Reason { get; } = reason;
    public string Object { get; } = obj;
    public string UserName { get; } = userName;
    public long Count { get; set; } = 1;
    public long UpdatedAtMs { get; set; } = createdAtMs;
    public string ClientInfo { get; set; } = clientInfo;

    /// <summary>Sentinel has no MULTI, scripts or modules: every denial is at the top level.</summary>
    public static string Context => "toplevel";

    public static string ReasonText(AclDenial reason) => reason switch
    {
        AclDenial.Command => "command",
        AclDenial.Channel => "channel",
        _ => "auth",
    };
}

/// <summary>
/// The ACL LOG, newest first, at most <c>acllog-max-len</c> entries. As in the reference, a denial like one of the
/// ten newest entries (same reason, object and user, less than a minute apart) updates that entry instead of adding one.
/// </summary>
public sealed class AclLog(int maxLength)
{
    private const long GroupingWindowMs = 60_000;
    private const int EntriesScannedForGrouping = 10;

    private readonly List<AclLogEntry> _entries = [];
    private readonly Lock _lock = new();

    public void Add(AclDenial reason, string obj, string userName, long nowMs, string clientInfo)
    {
        lock (_lock)
        {
            var scanned = Math.Min(EntriesScannedForGrouping, _entries.Count);
            for (var i = 0; i < scanned; i++)
            {
                var entry = _entries[i];
                if (entry.Reason == reason && entry.Object == obj && entry.UserName == userName
                    && Math.Abs(entry.UpdatedAtMs - nowMs) <= GroupingWindowMs)
                {
                    entry.Count++;
                    entry.UpdatedAtMs = nowMs;
                    entry.ClientInfo = clientInfo;
                    _entries.RemoveAt(i);
                    _entries.Insert(0, entry);
                    return;
                }
            }
            _entries.Insert(0, new AclLogEntry(reason, obj, userName, nowMs, clientInfo));
            if (_entries.Count > maxLength) _entries.RemoveRange(maxLength, _entries.Count - maxLength);
        }
    }

    /// <summary>Copies of the newest <paramref name="count"/> entries (their fields at this moment).</summary>
    public IReadOnlyList<AclLogEntry> Newest(long count)
    {
        lock (_lock)
        {
            return [.. _entries.Take((int)Math.Clamp(count, 0, _entries.Count)).Select(e =>
                new AclLogEntry(e.Reason, e.Object, e.UserName, e.UpdatedAtMs, e.ClientInfo) { Count = e.Count })];
        }
    }

    public void Reset()
    {
        lock (_lock) _entries.Clear();
    }
}
