namespace Vigil.Simulation.Redis;

/// <summary>A replica's link to its master (<c>master_link_status</c> is "up" only in <see cref="Up"/>).</summary>
internal enum ReplicationLinkState
{
    Down,
    /// <summary>Full resynchronisation in progress (<c>master_sync_in_progress:1</c>).</summary>
    Syncing,
    Up,
}
