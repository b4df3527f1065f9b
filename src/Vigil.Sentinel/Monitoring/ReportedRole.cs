namespace Vigil.Sentinel.Monitoring;

/// <summary>The role an instance reports in INFO. <see cref="None"/> (no role line) is shown as "slave".</summary>
internal enum ReportedRole
{
    None,
    Master,
    Slave,
}
