namespace Vigil.Sentinel.Monitoring;

/// <summary>What a record stands for; its lower-case name is the first word of the event prefix.</summary>
internal enum InstanceKind
{
    Master,
    Slave,
    Sentinel,
}
