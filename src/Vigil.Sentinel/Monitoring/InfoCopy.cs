namespace Vigil.Sentinel.Monitoring;

/// <summary>
/// The last INFO reply of a master or replica, for <c>SENTINEL INFO-CACHE</c>: copied into a buffer kept with the
/// record rather than keeping the reply itself. At a thousand masters an INFO arrives every few milliseconds; each
/// reply kept for its ten seconds outlived the young generation, so the GC promoted them all and swept them later, and
/// scanned the records that pointed at them in between (most of its work in a profile at 1,000 masters).
/// </summary>
internal sealed class InfoCopy
{
    private byte[]? _bytes;
    private int _length = -1;

    public void Set(ReadOnlySpan<byte> info)
    {
        // Some room to spare: the same instance's INFO differs by a few digits from one reply to the next.
        if (_bytes is null || _bytes.Length < info.Length) _bytes = new byte[info.Length + info.Length / 4];
        info.CopyTo(_bytes);
        _length = info.Length;
    }

    public void Clear() => _length = -1;

    /// <summary>A copy of the last INFO reply, or null when there is none.</summary>
    public byte[]? ToArray() => _length < 0 || _bytes is null ? null : _bytes.AsSpan(0, _length).ToArray();
}
