using Vigil.Server.Memory;

namespace Vigil.Integration.Host;

/// <summary>
/// A burst leaves dead objects in the old generations that the collector, with a sentinel at rest, may never come
/// back for: the host trims them when the old generations grew by megabytes since its last trim, and only then.
/// </summary>
public sealed class HeapTrimTests
{
    private const long MB = 1L << 20;

    [Fact]
    public void ASmallHeapIsNeverTrimmed()
    {
        var policy = new HeapTrimPolicy();

        Assert.False(policy.IsDue(2 * MB));
        Assert.False(policy.IsDue(HeapTrimPolicy.MinimumGrowthBytes - 1));
        Assert.True(policy.IsDue(HeapTrimPolicy.MinimumGrowthBytes));
    }

    [Fact]
    public void AfterATrimTheNextWaitsForAQuarterMoreOrTheMinimumGrowth()
    {
        var policy = new HeapTrimPolicy();
        policy.Trimmed(40 * MB);

        Assert.False(policy.IsDue(40 * MB));
        Assert.False(policy.IsDue(49 * MB));
        Assert.True(policy.IsDue(50 * MB));

        policy.Trimmed(4 * MB);
        Assert.False(policy.IsDue(11 * MB));
        Assert.True(policy.IsDue(12 * MB));
    }

    [Fact]
    public void DeadLargeObjectsAreReturnedByATrimAndASecondLookFindsNothingDue()
    {
        var trimmer = new HeapTrimmer(new HeapTrimPolicy());
        trimmer.TrimIfDue(); // this process's heap may already hold more than the minimum: start from a trimmed heap

        KeepAndDropLargeArrays(64);
        var trim = trimmer.TrimIfDue();

        Assert.NotNull(trim);
        Assert.True(trim.Value.BeforeBytes - trim.Value.AfterBytes >= 48 * MB,
            $"the old generations went from {trim.Value.BeforeBytes >> 20} MB to {trim.Value.AfterBytes >> 20} MB");
        Assert.Null(trimmer.TrimIfDue());
    }

    /// <summary>Allocates that many 1 MB arrays (the large object heap, collected with generation 2 only), keeps them
    /// through a young collection so the heap's bookkeeping counts them, then drops them.</summary>
    private static void KeepAndDropLargeArrays(int count)
    {
        var arrays = new byte[count][];
        for (var i = 0; i < count; i++) arrays[i] = new byte[MB];
        GC.Collect(0);
        GC.KeepAlive(arrays);
    }
}
