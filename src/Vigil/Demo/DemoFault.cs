using System.Globalization;
using Vigil.Resp;

namespace Vigil.Demo;

/// <summary>Injects the chosen fault into the group and says in one line what it did.</summary>
internal sealed class DemoFault(DemoTopology topology, DemoOptions options) : IAsyncDisposable
{
    // The connection that sent DEBUG SLEEP stays open until the end, so the command is surely read.
    private RespConnection? _sleeper;

    public string Describe() => options.Fault switch
    {
        FaultKind.Sleep => $"DEBUG SLEEP {options.SleepSeconds} on the master {topology.Master.Address}",
        FaultKind.Kill => $"kill -9 the master {topology.Master.Address}",
        _ => $"SENTINEL FAILOVER {DemoTopology.MasterName} on {topology.Sentinels[0].Name}",
    };

    /// <summary>Injects the fault; returns an error text if it could not be injected.</summary>
    public async Task<string?> InjectAsync(CancellationToken cancel)
    {
        switch (options.Fault)
        {
            case FaultKind.Sleep:
                _sleeper = await RespConnection.ConnectAsync(topology.Master.Port, TimeSpan.FromSeconds(2), cancel).ConfigureAwait(false);
                await _sleeper.SendAsync(cancel, "DEBUG", "SLEEP", options.SleepSeconds.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
                return null;
            case FaultKind.Kill:
                ChildProcesses.Kill(topology.MasterProcess);
                return null;
            default:
                var reply = await GroupProbe.AskAsync(topology.Sentinels[0].Port, cancel, "SENTINEL", "FAILOVER", DemoTopology.MasterName).ConfigureAwait(false);
                return reply is RespSimpleString { Text: "OK" }
                    ? null
                    : $"SENTINEL FAILOVER was refused: {(reply as RespError)?.Text ?? RespReplies.Text(reply) ?? "no reply"}";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_sleeper is not null) await _sleeper.DisposeAsync().ConfigureAwait(false);
    }
}
