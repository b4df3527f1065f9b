namespace Vigil.Replication.Protocol;

/// <summary>
/// How the snapshot comes: <c>$length</c> (the source wrote it to disk first) or <c>$EOF:mark</c> (diskless:
/// the snapshot is streamed as it is produced and followed by the 40-byte mark).
/// </summary>
public sealed record SnapshotTransfer(long? Length, byte[]? EndMark)
{
    public const int EndMarkBytes = 40;

    public bool Diskless => EndMark is not null;
}
