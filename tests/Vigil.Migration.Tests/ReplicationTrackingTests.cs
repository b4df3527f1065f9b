using Vigil.Migration.Replication;
using Vigil.Migration.Verification;
using Vigil.Resp;

namespace Vigil.Migration.Tests;

public sealed class ReplicationTrackingTests
{
    [Fact]
    public void LagInSecondsIsSinceTheSourceLastStoodAtTheReplicasOffset()
    {
        var history = new OffsetHistory();
        history.Add(0.0, 100);
        history.Add(1.0, 200);
        history.Add(2.0, 300);
        Assert.Equal(0, history.LagSeconds(300, 2.5));
        Assert.Equal(0, history.LagSeconds(350, 2.5));
        Assert.Equal(1.5, history.LagSeconds(250, 2.5), 3);
        Assert.Equal(2.5, history.LagSeconds(100, 2.5), 3);
        Assert.Equal(2.5, history.LagSeconds(50, 2.5), 3);
    }

    [Fact]
    public void HistoryIsBounded()
    {
        var history = new OffsetHistory();
        for (var i = 0; i < OffsetHistory.MaxSamples * 2; i++) history.Add(i, i);
        Assert.Equal(OffsetHistory.MaxSamples * 2 - 1, history.Latest);
        Assert.Equal(OffsetHistory.MaxSamples, history.LagSeconds(0, OffsetHistory.MaxSamples * 2));
    }

    private static KeyState Key(string type, long ttl, string value = "v") => new(type, ttl, RespValue.Bulk(value));

    [Fact]
    public void KeysCompareOnTypeValueAndTtlWithinTheTolerance()
    {
        Assert.Null(KeyComparison.Difference(Key("string", -1), Key("string", -1), 1000));
        Assert.Null(KeyComparison.Difference(Key("string", 5000), Key("string", 4200), 1000));
        Assert.Equal("TTL 5000 ms on the source, 3000 ms on the target", KeyComparison.Difference(Key("string", 5000), Key("string", 3000), 1000));
        Assert.Equal("TTL none on the source, 3000 ms on the target", KeyComparison.Difference(Key("string", -1), Key("string", 3000), 1000));
        Assert.Equal("value differs", KeyComparison.Difference(Key("string", -1, "a"), Key("string", -1, "b"), 1000));
        Assert.Equal("type string on the source, hash on the target", KeyComparison.Difference(Key("string", -1), Key("hash", -1), 1000));
        Assert.Equal("missing on the target", KeyComparison.Difference(Key("list", -1), new KeyState("none", -2, null), 1000));
        Assert.Equal("only on the target", KeyComparison.Difference(new KeyState("none", -2, null), Key("list", -1), 1000));
    }

    [Fact]
    public void AKeyExpiringBetweenTheTwoReadsIsNoDifference()
    {
        Assert.Null(KeyComparison.Difference(Key("string", 300), new KeyState("none", -2, null), 1000));
        Assert.Equal("missing on the target", KeyComparison.Difference(Key("string", 30_000), new KeyState("none", -2, null), 1000));
    }

    [Fact]
    public void BinaryKeysAreShownEscaped() =>
        Assert.Equal("'a\\x00b\\x27'", Verifier.Show([(byte)'a', 0, (byte)'b', (byte)'\'']));
}
