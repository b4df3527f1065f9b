using Vigil.Migration.Links;
using Vigil.Migration.Preflight;

namespace Vigil.Migration.Tests;

public sealed class PreflightRulesTests
{
    private const long Mb = 1024 * 1024;

    [Fact]
    public void MaxMemoryZeroMeansUnlimited()
    {
        Assert.Null(PreflightRules.MaxMemory("t:1", 0, 10 * Mb));
        Assert.Null(PreflightRules.MaxMemory("t:1", 20 * Mb, 10 * Mb));
        Assert.Equal("target t:1: maxmemory 5.0 MB is smaller than the source's used_memory 10.0 MB", PreflightRules.MaxMemory("t:1", 5 * Mb, 10 * Mb));
    }

    [Fact]
    public void OutputBufferMustHoldTheWritesOfTheSync()
    {
        var defaults = new OutputBufferLimit(256 * Mb, 64 * Mb, 60);
        // 1 GB at the assumed speed is ~10 s; 1 MB/s of writes is ~20 MB doubled: fits.
        var syncSeconds = PreflightRules.EstimatedSyncSeconds(1024 * Mb);
        Assert.Equal(10.24, syncSeconds, 2);
        Assert.Null(PreflightRules.OutputBuffer("source s:1", defaults, 1 * Mb, syncSeconds));
        // 20 MB/s of writes for the same sync: ~400 MB would be buffered, past the 256 MB hard limit.
        var problem = PreflightRules.OutputBuffer("source s:1", defaults, 20 * Mb, syncSeconds);
        Assert.StartsWith("source s:1: replica output buffer hard limit 256.0 MB is below", problem, StringComparison.Ordinal);
        Assert.Contains("CONFIG SET client-output-buffer-limit \"replica ", problem, StringComparison.Ordinal);
        Assert.Null(PreflightRules.OutputBuffer("source s:1", new OutputBufferLimit(0, 0, 0), 500 * Mb, syncSeconds));
        Assert.Null(PreflightRules.OutputBuffer("source s:1", null, 500 * Mb, syncSeconds));
    }

    [Fact]
    public void SoftLimitCountsOnlyWhenTheSyncOutlastsItsSeconds()
    {
        var limit = new OutputBufferLimit(0, 10 * Mb, 60);
        Assert.Null(PreflightRules.OutputBuffer("s", limit, 1 * Mb, 10));
        Assert.NotNull(PreflightRules.OutputBuffer("s", limit, 1 * Mb, 40));
    }

    [Fact]
    public void ReplTimeoutMustOutlastTwiceTheSync()
    {
        Assert.Null(PreflightRules.ReplTimeout("source s:1", 60, 10));
        Assert.Null(PreflightRules.ReplTimeout("source s:1", null, 1000));
        Assert.Equal("source s:1: repl-timeout 60 s is shorter than twice the ~50.0 s a full sync is expected to take; CONFIG SET repl-timeout 100",
            PreflightRules.ReplTimeout("source s:1", 60, 50));
    }

    [Fact]
    public void ReplicaClassIsReadFromTheConfigLine()
    {
        Assert.Equal(new OutputBufferLimit(268435456, 67108864, 60),
            NodeFactsReader.ParseReplicaLimit("normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"));
        Assert.Null(NodeFactsReader.ParseReplicaLimit("normal 0 0 0"));
    }

    [Fact]
    public void InfoGivesKeysPerDatabaseAndReplicas()
    {
        var info = InfoFields.Parse("# Keyspace\r\ndb0:keys=10,expires=1,avg_ttl=0\r\ndb3:keys=5,expires=0,avg_ttl=0\r\n" +
            "# Replication\r\nslave0:ip=10.0.0.2,port=6380,state=online,offset=1,lag=0\r\n");
        Assert.Equal(new SortedDictionary<int, long> { [0] = 10, [3] = 5 }, info.KeysPerDb());
        Assert.Equal([new RedisEndpoint("10.0.0.2", 6380)], NodeFactsReader.ReplicasOf(info));
    }
}
