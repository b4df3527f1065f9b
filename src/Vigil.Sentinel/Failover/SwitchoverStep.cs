namespace Vigil.Sentinel.Failover;

/// <summary>What the planned switchover lets the failover do at this step.</summary>
internal enum SwitchoverStep
{
    Wait,
    Promote,
    Abort,
}
