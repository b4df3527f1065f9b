using Vigil.Sentinel.Config;
using static Vigil.Sentinel.Tests.Config.ConfigTestParsing;

namespace Vigil.Sentinel.Tests.Config;

/// <summary>
/// <c>sentinel</c> lines apply in three passes (sentinel-wide options, then monitor, then the rest),
/// each in file order, while errors still name the line they came from.
/// </summary>
public sealed class SentinelLoadOrderTests
{
    [Fact]
    public void KnownReplicaMayPrecedeItsMonitor()
    {
        SentinelConfig config = ParseOk(Lines(
            "sentinel known-replica m 10.0.0.2 6379",
            "sentinel known-sentinel m 10.0.0.3 26379 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "sentinel down-after-milliseconds m 1000",
            "sentinel config-epoch m 4",
            "sentinel monitor m 10.0.0.1 6379 2"));

        MasterConfig master = Assert.Single(config.Masters);
        Assert.Equal([new KnownReplica("10.0.0.2", 6379)], master.KnownReplicas);
        Assert.Single(master.KnownSentinels);
        Assert.Equal(1000, master.DownAfterMs);
        Assert.Equal(4, master.ConfigEpoch);
    }

    [Fact]
    public void ResolveHostnamesAfterMonitorStillAppliesToIt()
    {
        MasterConfig master = Assert.Single(ParseOk(Lines(
            "sentinel monitor m redis.example 6379 2",
            "sentinel resolve-hostnames yes")).Masters);

        Assert.Equal("redis.example", master.Host);
    }

    [Fact]
    public void MonitorErrorIsReportedBeforeAnEarlierUnknownSubDirective()
    {
        // The unknown line runs in the last pass, the monitor in the second.
        ConfigError error = ParseError(Lines("sentinel bogus x", "sentinel monitor m 10.0.0.1 6379 0"));

        Assert.Equal(new ConfigError(ConfigPath, 2, "sentinel monitor m 10.0.0.1 6379 0", "Quorum must be 1 or greater."), error);
    }

    [Fact]
    public void FirstPassErrorIsReportedBeforeAnEarlierMonitorError()
    {
        ConfigError error = ParseError(Lines("sentinel monitor m 10.0.0.1 6379 0", "sentinel myid short"));

        Assert.Equal(2, error.LineNumber);
        Assert.Equal("Malformed Sentinel id in myid option.", error.Message);
    }

    [Fact]
    public void ReplicaForAMasterThatNeverAppearsNamesTheReplicaLine()
    {
        ConfigError error = ParseError(Lines("sentinel monitor m 10.0.0.1 6379 2", "sentinel known-replica other 10.0.0.2 6379"));

        Assert.Equal(new ConfigError(ConfigPath, 2, "sentinel known-replica other 10.0.0.2 6379", "No such master with specified name."), error);
    }

    [Fact]
    public void MastersKeepFileOrder()
    {
        SentinelConfig config = ParseOk(Lines(
            "sentinel monitor c 10.0.0.3 1 1",
            "sentinel current-epoch 1",
            "sentinel monitor a 10.0.0.1 1 1",
            "sentinel monitor b 10.0.0.2 1 1"));

        Assert.Equal(["c", "a", "b"], config.Masters.Select(m => m.Name));
    }

    [Fact]
    public void KnownSentinelWithoutRunIdIsIgnoredEvenForAnUnknownMaster()
    {
        Assert.Empty(ParseOk("sentinel known-sentinel nobody 10.0.0.1 26379\n").Masters);
    }
}
