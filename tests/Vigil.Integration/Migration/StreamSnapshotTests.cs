using System.Globalization;
using System.Text;
using Vigil.Integration.Infrastructure;
using Vigil.Migration.Links;
using Vigil.Migration.Streaming;
using Vigil.Replication.Rdb;
using Vigil.Resp;
using Xunit.Abstractions;
using static Vigil.Integration.Migration.MigrateCli;

namespace Vigil.Integration.Migration;

/// <summary>
/// The stream mode's parts against real servers: snapshots that redis-server 7.0 writes (to disk with SAVE,
/// and sent to a replica from disk or diskless) are read, written into a target that refuses replication,
/// and compared with <c>vigil migrate verify</c>; the command stream that follows is replayed; a dropped
/// replication link resumes with a partial resync, or starts over when the source refuses one.
/// </summary>
public sealed class StreamSnapshotTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>What a managed service refuses its clients.</summary>
    public static readonly string[] ManagedTargetArgs =
    [
        "--rename-command", "REPLICAOF", "", "--rename-command", "SLAVEOF", "", "--rename-command", "SYNC", "",
        "--rename-command", "PSYNC", "", "--rename-command", "CONFIG", "", "--rename-command", "DEBUG", "",
    ];

    /// <summary>A target that refuses RESTORE as well, as some managed services do.</summary>
    public static readonly string[] NoRestoreTargetArgs = [.. ManagedTargetArgs, "--rename-command", "RESTORE", ""];

    private static readonly KeyWriting Restoring = new(RestoreAvailable: true, TargetReadsRdbUpTo: 10, new Version(7, 0));

    private readonly MigrationNodes _nodes = new();

    public void Dispose() => _nodes.Dispose();

    [Fact]
    public async Task SavedSnapshotOfEveryEncodingIsReadRestoredAndVerified()
    {
        var source = await _nodes.StartAsync(EncodingDataset.ServerArgs);
        var target = await _nodes.StartAsync(ManagedTargetArgs);
        await EncodingDataset.FillAsync(source);
        Assert.IsType<RespSimpleString>(await Topology.CallAsync(source, "SAVE"));
        var file = await File.ReadAllBytesAsync(Path.Combine(source.Directory, "dump.rdb"));

        var keys = new List<RdbKey>();
        var functions = new List<RdbFunction>();
        await using (var writer = await TargetWriter.ConnectAsync(new RedisEndpoint("127.0.0.1", target.Port), null, CancellationToken.None))
        {
            var reader = new RdbReader(new ByteInput(new MemoryStream(file), bufferSize: 4096));
            var db = -1;
            for (var entry = reader.Next(); entry is not RdbEnd; entry = reader.Next())
            {
                if (entry is RdbFunction function) functions.Add(function);
                if (entry is not RdbKey key) continue;
                keys.Add(key);
                if (key.Db != db)
                {
                    db = key.Db;
                    writer.Send([Encoding.ASCII.GetBytes("SELECT"), Encoding.ASCII.GetBytes(db.ToString(CultureInfo.InvariantCulture))], -1);
                }
                writer.SendRestore(key.Key, key.ExpireAtMs ?? 0, key.Dump.Span, key.ExpireAtMs is not null);
            }
            Assert.Equal(file.Length, reader.BytesRead);
            await writer.DrainAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        }

        Assert.Equal(await EncodingDataset.KeysAsync(source), keys.Count);
        var types = keys.Select(k => k.Type).ToHashSet();
        Assert.All(EncodingDataset.ExpectedRdbTypes, type => Assert.Contains(type, types));
        Assert.Contains(keys, k => k.Db == 5 && Encoding.UTF8.GetString(k.Key) == "db5:key");
        Assert.Contains(keys, k => Encoding.UTF8.GetString(k.Key) == "987654");
        Assert.Contains(keys, k => Encoding.UTF8.GetString(k.Key) == "ttl:1" && k.ExpireAtMs > DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Contains(EncodingDataset.Library, Encoding.UTF8.GetString(Assert.Single(functions).Code), StringComparison.Ordinal);
        await AssertSameAsync(source, target);

        // The same file with one byte of a value changed: the checksum at its end refuses it.
        var needle = file.AsSpan().IndexOf(Encoding.ASCII.GetBytes(EncodingDataset.Needle));
        Assert.True(needle > 0);
        file[needle + 3] ^= 0x01;
        var corrupt = new RdbReader(new ByteInput(new MemoryStream(file)));
        var error = Assert.Throws<RdbFormatException>(() => { while (corrupt.Next() is not RdbEnd) { } });
        Assert.Contains("checksum mismatch", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("no")]
    public async Task ReplicaSnapshotThenCommandStreamThenPartialResync(string diskless)
    {
        var source = await _nodes.StartAsync([.. EncodingDataset.ServerArgs, "--repl-diskless-sync", diskless, "--repl-diskless-sync-delay", "0"]);
        var target = await _nodes.StartAsync(ManagedTargetArgs);
        await EncodingDataset.FillAsync(source);
        string? failure = await StreamAsync(source, target, async (writer, replicator) =>
        {
            await CaughtUpAsync(source, writer, replicator);
            Assert.Equal(await EncodingDataset.KeysAsync(source), Interlocked.Read(ref replicator.SnapshotKeys));
            await AssertSameAsync(source, target);
            var functions = RespText.Render(await Topology.CallAsync(target, "FUNCTION", "LIST"));
            Assert.Contains(EncodingDataset.Library, functions, StringComparison.Ordinal);

            // The command stream: plain writes, another database, a transaction, expiry, deletes.
            await using (var client = await source.ConnectAsync())
            {
                await WritesAsync(client, "a");
            }
            await CaughtUpAsync(source, writer, replicator);
            await AssertSameAsync(source, target);
            Assert.Equal("2", RespText.Render(await Topology.CallAsync(target, "HGET", "tx:a", "n")).Trim('"'));

            // The link drops (as the source sees a replica go); the stream resumes where it was.
            var killed = await Topology.CallAsync(source, "CLIENT", "KILL", "TYPE", "replica");
            Assert.Equal(1, Assert.IsType<RespInteger>(killed).Value);
            await using (var client = await source.ConnectAsync())
            {
                await WritesAsync(client, "b");
            }
            await Wait.UntilAsync(() => replicator.PartialResyncs == 1, TimeSpan.FromSeconds(20), "the stream resumed with a partial resync");
            await CaughtUpAsync(source, writer, replicator);
            var stats = await Topology.InfoAsync(source, "stats");
            Assert.Equal("1", stats["sync_partial_ok"]);
            Assert.Equal("1", stats["sync_full"]);
            Assert.Equal(1, replicator.FullSyncs);
            await AssertSameAsync(source, target);
        });
        Assert.Null(failure);
    }

    [Theory]
    [InlineData("refused")]
    [InlineData("older RDB")]
    public async Task TargetWithoutRestoreGetsEveryEncodingAndBigValuesAsPlainCommands(string why)
    {
        var source = await _nodes.StartAsync([.. EncodingDataset.ServerArgs, "--repl-diskless-sync-delay", "0"]);
        var target = await _nodes.StartAsync(why == "refused" ? NoRestoreTargetArgs : ManagedTargetArgs);
        await EncodingDataset.FillAsync(source);
        await BigValuesAsync(source);
        // A target that has RESTORE but reads RDB 9 at most, as Redis 6.2 does (the command options of 7.0 are still used:
        // the server here is 7.0).
        var keyWriting = why == "refused" ? new KeyWriting(false, 10, new Version(7, 0)) : new KeyWriting(true, 9, new Version(7, 0));
        string? failure = await StreamAsync(source, target, async (writer, replicator) =>
        {
            await CaughtUpAsync(source, writer, replicator);
            Assert.Equal("plain commands", replicator.KeysWrittenWith);
            Assert.Equal(await EncodingDataset.KeysAsync(source), Interlocked.Read(ref replicator.SnapshotKeys));
            await AssertSameAsync(source, target);
            // What verify does not compare: the pending entries' owners and delivery counts, the stream's counters.
            var pending = Pending(await Topology.CallAsync(source, "XPENDING", "stream:1", "g1", "-", "+", "10"));
            Assert.Contains("alice", pending, StringComparison.Ordinal);
            Assert.Equal(pending, Pending(await Topology.CallAsync(target, "XPENDING", "stream:1", "g1", "-", "+", "10")));
            Assert.Equal(StreamCounters(await Topology.CallAsync(source, "XINFO", "STREAM", "stream:1")),
                StreamCounters(await Topology.CallAsync(target, "XINFO", "STREAM", "stream:1")));
            Assert.Equal(Assert.IsType<RespInteger>(await Topology.CallAsync(source, "PEXPIRETIME", "ttl:2")).Value,
                Assert.IsType<RespInteger>(await Topology.CallAsync(target, "PEXPIRETIME", "ttl:2")).Value);

            // Then the command stream, as with RESTORE.
            await using (var client = await source.ConnectAsync())
            {
                await WritesAsync(client, "a");
            }
            await CaughtUpAsync(source, writer, replicator);
            await AssertSameAsync(source, target);
        }, keyWriting);
        Assert.Null(failure);
    }

    /// <summary>Values larger than one plain command carries: a string, and collections of thousands of elements.</summary>
    private static async Task BigValuesAsync(RunningNode node)
    {
        await using var client = await node.ConnectAsync();
        var items = Enumerable.Range(0, 2500).Select(i => "element-" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        string[][] commands =
        [
            ["SET", "big:string", new string('s', PlainCommands.ChunkBytes * 2 + 17)],
            ["RPUSH", "big:list", .. items], ["SADD", "big:set", .. items],
            ["ZADD", "big:zset", .. items.SelectMany((m, i) => new[] { (i / 3.0).ToString("R", CultureInfo.InvariantCulture), m })],
            ["HSET", "big:hash", .. items.SelectMany(m => new[] { m, m + "-value" })],
            ["PEXPIRE", "big:list", "3600000"],
        ];
        foreach (var command in commands)
        {
            var reply = await client.CallAsync(command);
            if (reply is RespError error) throw new InvalidOperationException($"{command[0]}: {error.Text}");
        }
    }

    /// <summary>XPENDING's entries without their idle times (which go on growing): ID, owner, delivery count.</summary>
    private static string Pending(RespValue reply) => string.Join(" ", Assert.IsType<RespArray>(reply).Items.Select(entry =>
    {
        var fields = Assert.IsType<RespArray>(entry).Items;
        return $"{RespText.Render(fields[0])}/{RespText.Render(fields[1])}/{RespText.Render(fields[3])}";
    }));

    /// <summary>XINFO STREAM's last-generated-id, max-deleted-entry-id, entries-added, length and groups.</summary>
    private static string StreamCounters(RespValue info)
    {
        var items = Assert.IsType<RespArray>(info).Items;
        var wanted = new[] { "length", "last-generated-id", "max-deleted-entry-id", "entries-added", "groups" };
        var parts = new List<string>();
        for (var i = 0; i + 1 < items.Count; i += 2)
        {
            var name = RespText.Render(items[i]).Trim('"');
            if (wanted.Contains(name)) parts.Add(name + "=" + RespText.Render(items[i + 1]));
        }
        return string.Join(" ", parts);
    }

    [Fact]
    public async Task ResyncRefusedByTheSourceStartsOverWithAFlushAndANewSnapshot()
    {
        // The smallest backlog Redis keeps: one write larger than it, made while the link is down, is beyond reach.
        var source = await _nodes.StartAsync([.. EncodingDataset.ServerArgs, "--repl-backlog-size", "16384", "--repl-diskless-sync-delay", "0"]);
        var target = await _nodes.StartAsync(ManagedTargetArgs);
        await EncodingDataset.FillAsync(source);
        string? failure = await StreamAsync(source, target, async (writer, replicator) =>
        {
            await CaughtUpAsync(source, writer, replicator);
            // What an interrupted attempt could leave on the target: the new snapshot must replace it.
            await Topology.CallAsync(target, "SET", "stray", "not on the source");

            // The kill and the large write in one round trip: the write is in the backlog (and overruns it) before
            // the replicator even sees its connection closed.
            await using (var client = await source.ConnectAsync())
            {
                var buffer = new System.Buffers.ArrayBufferWriter<byte>();
                RespWriter.WriteCommand(buffer, ["CLIENT", "KILL", "TYPE", "replica"]);
                RespWriter.WriteCommand(buffer, ["SET", "big", new string('x', 64 * 1024)]);
                await client.SendRawAsync(buffer.WrittenMemory);
                Assert.Equal(1, Assert.IsType<RespInteger>(await client.ReadAsync()).Value);
                Assert.IsType<RespSimpleString>(await client.ReadAsync());
                await WritesAsync(client, "after");
            }
            await Wait.UntilAsync(() => replicator.FullSyncs == 2, TimeSpan.FromSeconds(20), "the stream started over with a full sync");
            await CaughtUpAsync(source, writer, replicator);
            var stats = await Topology.InfoAsync(source, "stats");
            Assert.Equal("2", stats["sync_full"]);
            Assert.Equal("1", stats["sync_partial_err"]);
            Assert.Equal("0", stats["sync_partial_ok"]);
            Assert.Equal(0, replicator.PartialResyncs);
            Assert.Equal(0, Assert.IsType<RespInteger>(await Topology.CallAsync(target, "EXISTS", "stray")).Value);
            await AssertSameAsync(source, target);
        });
        Assert.Null(failure);
    }

    [Fact]
    public async Task TargetThatRefusesAWriteStopsTheStreamNamingTheKey()
    {
        var source = await _nodes.StartAsync();
        var target = await _nodes.StartAsync(ManagedTargetArgs);
        await Topology.CallAsync(source, "SET", "plain", "v");
        string? failure = await StreamAsync(source, target, async (writer, replicator) =>
        {
            await CaughtUpAsync(source, writer, replicator);
            // Something on the target the source does not know about: the replayed command meets the wrong type.
            await Topology.CallAsync(target, "SET", "clash", "a string");
            await Topology.CallAsync(source, "RPUSH", "clash", "x");
            await Wait.UntilAsync(() => replicator.Failure is not null, TimeSpan.FromSeconds(10), "the stream stopped");
        });
        output.WriteLine(failure);
        Assert.Contains("refused RPUSH 'clash': WRONGTYPE", failure, StringComparison.Ordinal);
        Assert.Equal("master", await RoleAsync(source));
        Assert.IsType<RespSimpleString>(await Topology.CallAsync(source, "SET", "still", "writable"));
    }

    [Fact]
    public async Task SnapshotThroughSeveralConnectionsCarriesEveryTypeAndDatabase()
    {
        var source = await _nodes.StartAsync([.. EncodingDataset.ServerArgs, "--repl-diskless-sync-delay", "0"]);
        var target = await _nodes.StartAsync(ManagedTargetArgs);
        await EncodingDataset.FillAsync(source);
        // Enough bytes for every connection to get batches, in two databases (each connection SELECTs for itself).
        await BulkKeysAsync(source, db: 0, count: 20_000);
        await BulkKeysAsync(source, db: 5, count: 10_000);
        string? failure = await StreamAsync(source, target, async (writer, replicator) =>
        {
            await CaughtUpAsync(source, writer, replicator);
            Assert.Equal(3, replicator.SnapshotConnections);
            output.WriteLine("keys per connection: " + string.Join(", ", replicator.SnapshotKeysPerConnection));
            Assert.Equal(3, replicator.SnapshotKeysPerConnection.Length);
            Assert.All(replicator.SnapshotKeysPerConnection, keys => Assert.True(keys > 1_000, $"{keys} keys through one connection"));
            Assert.Equal(await EncodingDataset.KeysAsync(source), replicator.SnapshotKeysPerConnection.Sum());
            await AssertSameAsync(source, target);

            // The command stream goes on through the writer's connection, after every key of the snapshot.
            await using (var client = await source.ConnectAsync())
            {
                await WritesAsync(client, "a");
            }
            await CaughtUpAsync(source, writer, replicator);
            await AssertSameAsync(source, target);
        }, snapshotConnections: 3);
        Assert.Null(failure);
    }

    [Fact]
    public async Task RefusalOnOneOfSeveralConnectionsStopsTheSnapshotNamingTheKey()
    {
        var source = await _nodes.StartAsync("--repl-diskless-sync-delay", "0");
        var target = await _nodes.StartAsync(ManagedTargetArgs);
        // The same user on both; on the target it may not write one key, wherever that key falls in the snapshot.
        await Topology.CallAsync(source, "ACL", "SETUSER", "mover", "on", ">secret", "~*", "&*", "+@all");
        await Topology.CallAsync(target, "ACL", "SETUSER", "mover", "on", ">secret", "~bulk:*", "&*", "+@all");
        await BulkKeysAsync(source, db: 0, count: 30_000);
        await Topology.CallAsync(source, "SET", "forbidden", "v");
        string? failure = await StreamAsync(source, target, async (_, replicator) =>
        {
            await Wait.UntilAsync(() => replicator.Failure is not null, TimeSpan.FromSeconds(30), "the stream stopped");
            Assert.Equal(4, replicator.SnapshotConnections);
            Assert.False(replicator.SnapshotLoaded);
        }, snapshotConnections: 4, credentials: new RedisCredentials("mover", "secret"));
        output.WriteLine(failure);
        Assert.Contains("refused RESTORE 'forbidden': NOPERM", failure, StringComparison.Ordinal);
        Assert.Equal("master", await RoleAsync(source));
        Assert.IsType<RespSimpleString>(await Topology.CallAsync(source, "SET", "still", "writable"));
    }

    /// <summary><paramref name="count"/> strings of 100 bytes in database <paramref name="db"/>, written by one script.</summary>
    private static async Task BulkKeysAsync(RunningNode node, int db, int count)
    {
        var script = "redis.call('select', ARGV[1]) for i = 1, tonumber(ARGV[2]) do redis.call('set', 'bulk:' .. i, string.rep('v', 100)) end return 1";
        var reply = await Topology.CallAsync(node, "EVAL", script, "0", db.ToString(CultureInfo.InvariantCulture), count.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(1, Assert.IsType<RespInteger>(reply).Value);
    }

    private static async Task WritesAsync(RespTestClient client, string tag)
    {
        string[][] commands =
        [
            ["SET", "s:" + tag, "1"], ["INCRBY", "s:" + tag, "41"], ["RPUSH", "list:large", "appended-" + tag], ["DEL", "str:raw"],
            ["SELECT", "5"], ["SET", "db5:" + tag, "x"], ["EXPIRE", "db5:" + tag, "3600"], ["SELECT", "0"],
            ["MULTI"], ["HSET", "tx:" + tag, "n", "1"], ["HINCRBY", "tx:" + tag, "n", "1"], ["XADD", "stream:1", "*", "tx", tag], ["EXEC"],
            ["ZINCRBY", "zset:large", "10", "m1"], ["SREM", "set:large", "3"], ["XACK", "stream:1", "g1", "1-1"],
        ];
        foreach (var command in commands)
        {
            var reply = await client.CallAsync(command);
            if (reply is RespError error) throw new InvalidOperationException($"{string.Join(' ', command)}: {error.Text}");
        }
    }

    /// <summary>
    /// Streams <paramref name="source"/> into <paramref name="target"/> while <paramref name="body"/> runs, stops the
    /// replicator however the body ends, and returns why the stream stopped by itself (null: it did not).
    /// </summary>
    private static async Task<string?> StreamAsync(RunningNode source, RunningNode target, Func<TargetWriter, StreamReplicator, Task> body,
        KeyWriting? keyWriting = null, int snapshotConnections = SnapshotLanes.DefaultConnections, RedisCredentials? credentials = null)
    {
        await using var writer = await TargetWriter.ConnectAsync(new RedisEndpoint("127.0.0.1", target.Port), credentials, CancellationToken.None);
        var replicator = new StreamReplicator(new RedisEndpoint("127.0.0.1", source.Port), credentials, writer, keyWriting ?? Restoring, snapshotConnections);
        var running = replicator.StartAsync();
        try
        {
            await body(writer, replicator);
        }
        finally
        {
            replicator.Stop();
            await running;
        }
        return replicator.Failure;
    }

    /// <summary>Waits until the target has applied everything the source has written so far.</summary>
    private static async Task CaughtUpAsync(RunningNode source, TargetWriter writer, StreamReplicator replicator)
    {
        var offset = long.Parse((await Topology.InfoAsync(source, "replication"))["master_repl_offset"], CultureInfo.InvariantCulture);
        await Wait.UntilAsync(() =>
        {
            if (replicator.Failure is { } failure) throw new InvalidOperationException(failure);
            return replicator.SnapshotLoaded && writer.AppliedOffset >= offset;
        }, TimeSpan.FromSeconds(20), $"the target applied offset {offset}");
    }

    private async Task AssertSameAsync(RunningNode source, RunningNode target)
    {
        var verify = await RunAsync("verify", "--source", Address(source), "--target", Address(target));
        output.WriteLine(verify.Stdout + verify.Stderr);
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
        Assert.Contains("no difference", verify.Stdout, StringComparison.Ordinal);
    }
}
