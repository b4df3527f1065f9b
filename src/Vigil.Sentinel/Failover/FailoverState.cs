namespace Vigil.Sentinel.Failover;

/// <summary>States of a master's failover; the names are what <c>failover-state</c> shows.</summary>
internal enum FailoverState
{
    None,
    WaitStart,
    SelectSlave,
    SendSlaveofNoone,
    WaitPromotion,
    ReconfSlaves,
    UpdateConfig,
}

internal static class FailoverStateNames
{
    public static string Wire(this FailoverState state) => state switch
    {
        FailoverState.None => "none",
        FailoverState.WaitStart => "wait_start",
        FailoverState.SelectSlave => "select_slave",
        FailoverState.SendSlaveofNoone => "send_slaveof_noone",
        FailoverState.WaitPromotion => "wait_promotion",
        FailoverState.ReconfSlaves => "reconf_slaves",
        FailoverState.UpdateConfig => "update_config",
        _ => "unknown",
    };
}
