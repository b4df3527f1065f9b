using Vigil.Resp;
using Vigil.Sentinel.Tests.Support;
using static Vigil.Sentinel.Tests.Support.Fixtures;
using static Vigil.Sentinel.Tests.Support.FailoverFixture;

namespace Vigil.Sentinel.Tests;

public sealed class ScriptTests
{
    private const string Notify = "/ok/notify.sh";
    private const string Reconfig = "/ok/reconfig.sh";

    private static SimulatedHost WithNotificationScript()
    {
        var host = new SimulatedHost(ConfigOf(Master() with { NotificationScript = Notify }));
        host.AddNode(MasterIp, MasterPort, MasterInfo(RunId('m')));
        host.Tick(StartMs);
        return host;
    }

    private static List<RunScript> Runs(SimulatedHost host) => host.EffectsOf<RunScript>().ToList();

    [Fact]
    public void WarningEventsRunTheNotificationScriptWithTypeAndText()
    {
        var host = WithNotificationScript();

        // +monitor at start is a warning event about the master.
        var run = Assert.Single(Runs(host));
        Assert.Equal(Notify, run.Path);
        Assert.Equal(["+monitor", $"master mymaster {MasterIp} 7001 quorum 2"], run.Args);
        host.Sentinel("set", "mymaster", "quorum", "3");
        host.RunFor(10);
        Assert.Equal(["+set", $"master mymaster {MasterIp} 7001 quorum 3"], Runs(host)[1].Args);
    }

    [Fact]
    public void NoticeEventsAndEventsWithoutARecordRunNoScript()
    {
        var host = WithNotificationScript();
        host.Feed(new ScriptExited(host.Now, Runs(host)[0].JobId, 0, 0));
        host.Tick(host.Now + 3000); // +tilt: no record
        host.RunFor(10);

        Assert.Single(host.Events("+tilt"));
        Assert.Single(Runs(host));
    }

    [Fact]
    public void ASuccessfulRunLeavesTheQueue()
    {
        var host = WithNotificationScript();
        var run = Runs(host)[0];
        host.Feed(new ScriptStarted(host.Now, run.JobId, 4242));
        var entry = Entry(Replies.Items(host.Sentinel("pending-scripts")).Single());
        Assert.Equal(("running", "4242", "1"), (entry["flags"], entry["pid"], entry["retry-num"]));
        Assert.Contains("sentinel_running_scripts:1\r\nsentinel_scripts_queue_length:1\r\n", host.InfoSentinelSection());

        host.Feed(new ScriptExited(host.Now + 5, run.JobId, 0, 0));
        Assert.Empty(Replies.Items(host.Sentinel("pending-scripts")));
        Assert.Empty(host.Events("-script-error"));
        Assert.Contains("sentinel_running_scripts:0\r\nsentinel_scripts_queue_length:0\r\n", host.InfoSentinelSection());
    }

    /// <summary>A PENDING-SCRIPTS entry's fields; argv joined by spaces.</summary>
    private static Dictionary<string, string> Entry(RespValue value) =>
        Assert.IsType<RespMap>(value).Entries.ToDictionary(
            e => Replies.Text(e.Key),
            e => e.Value is RespArray argv ? string.Join(' ', argv.Items.Select(Replies.Text)) : Replies.Text(e.Value));

    [Fact]
    public void ExitOneIsRetriedAfterTheRetryDelayDoubledPerAttempt()
    {
        var host = WithNotificationScript();
        var run = Runs(host)[0];
        host.Feed(new ScriptExited(host.Now, run.JobId, 1, 0));
        long failedAt = host.Now;

        var entry = Entry(Replies.Items(host.Sentinel("pending-scripts")).Single());
        Assert.Equal(("scheduled", "0", "30000", "1"), (entry["flags"], entry["pid"], entry["run-delay"], entry["retry-num"]));
        Assert.Equal($"{Notify} +monitor master mymaster {MasterIp} 7001 quorum 2", entry["argv"]);
        Assert.Equal(["argv", "flags", "pid", "run-delay", "retry-num"], Replies.Keys(Replies.Items(host.Sentinel("pending-scripts")).Single()));

        host.RunFor(29_000);
        Assert.Single(Runs(host));
        host.RunFor(1_100);
        var second = Runs(host)[1];
        Assert.Equal(run.JobId, second.JobId);
        Assert.InRange(host.Timeline.Last(t => t.Effect is RunScript).AtMs - failedAt, 30_000, 30_001);

        host.Feed(new ScriptExited(host.Now, run.JobId, 0, 9)); // killed by a signal: retried too, after 60 s
        host.RunFor(59_000);
        Assert.Equal(2, Runs(host).Count);
        host.RunFor(1_100);
        Assert.Equal(3, Runs(host).Count);
    }

    [Fact]
    public void OtherExitCodesAreReportedAndDropped()
    {
        var host = WithNotificationScript();
        host.Feed(new ScriptExited(host.Now, Runs(host)[0].JobId, 2, 0));

        Assert.Equal($"{Notify} 0 2", Assert.Single(host.Texts("-script-error")));
        Assert.Empty(Replies.Items(host.Sentinel("pending-scripts")));
    }

    [Fact]
    public void TenFailedAttemptsAreTheLimit()
    {
        var host = WithNotificationScript();
        long job = Runs(host)[0].JobId;
        for (int attempt = 1; attempt <= 10; attempt++)
        {
            Assert.Equal(attempt, Runs(host).Count);
            host.Feed(new ScriptExited(host.Now, job, 1, 0));
            host.RunFor(30_000L << (attempt - 1));
        }

        Assert.Equal(10, Runs(host).Count);
        Assert.Equal($"{Notify} 0 1", Assert.Single(host.Texts("-script-error")));
        Assert.Empty(Replies.Items(host.Sentinel("pending-scripts")));
    }

    [Fact]
    public void AScriptRunningTooLongIsKilledAndReported()
    {
        var host = WithNotificationScript();
        var run = Runs(host)[0];
        host.Feed(new ScriptStarted(host.Now, run.JobId, 777));
        host.RunFor(60_500);

        Assert.Equal($"{Notify} 777", Assert.Single(host.Texts("-script-timeout")));
        Assert.Equal(run.JobId, Assert.Single(host.EffectsOf<KillScript>()).JobId);
        long killedAt = host.Timeline.Single(t => t.Effect is KillScript).AtMs;
        Assert.InRange(killedAt - StartMs, 60_001, 60_002);
        host.Feed(new ScriptExited(host.Now, run.JobId, 0, 9));
        Assert.Equal("scheduled", Entry(Replies.Items(host.Sentinel("pending-scripts")).Single())["flags"]);
    }

    [Fact]
    public void AtMostSixteenRunAtOnceAndTheQueueKeepsTheNewest256()
    {
        var host = WithNotificationScript();
        for (int i = 0; i < 300; i++) host.Sentinel("set", "mymaster", "quorum", (2 + i).ToString(System.Globalization.CultureInfo.InvariantCulture));
        host.RunFor(10);

        Assert.Equal(16, Runs(host).Count);
        var pending = Replies.Items(host.Sentinel("pending-scripts")).Select(Entry).ToList();
        Assert.Equal(256, pending.Count);
        Assert.Equal(16, pending.Count(p => p["flags"] == "running"));
        Assert.Contains("sentinel_running_scripts:16\r\nsentinel_scripts_queue_length:256\r\n", host.InfoSentinelSection());

        host.Feed(new ScriptExited(host.Now, Runs(host)[0].JobId, 0, 0));
        host.RunFor(10);
        Assert.Equal(17, Runs(host).Count);
        // +monitor was running; of the 300 +set jobs only the newest 255 stayed (quorum 47 to 301), 15 of which
        // started with it. The next one to start is quorum 62.
        Assert.Equal("+set", Runs(host)[16].Args[0]);
        Assert.EndsWith("quorum 62", Runs(host)[16].Args[1]);
        Assert.EndsWith("quorum 47", Runs(host)[1].Args[1]);
    }

    [Fact]
    public void TheLeaderRunsTheClientReconfigScriptAtPromotion()
    {
        var host = Start(tweak: m => m with { ClientReconfigScript = Reconfig });
        host.MasterNode().Frozen = true;
        host.RunFor(15_000);

        var run = Assert.Single(Runs(host), r => r.Path == Reconfig);
        Assert.Equal(["mymaster", "leader", "start", MasterIp, "7001", ReplicaIp, "7002"], run.Args);
        long promotedAt = host.TimeOf("+promoted-slave")!.Value;
        // Queued at promotion, started by the next tick.
        Assert.InRange(host.Timeline.Single(t => t.Effect is RunScript r && r.Path == Reconfig).AtMs - promotedAt, 0, 1);
    }
}
