using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Vigil.Migration.Links;
using Vigil.Migration.Replication;
using Vigil.Migration.Reporting;
using Vigil.Resp;

namespace Vigil.Migration.Verification;

/// <summary>
/// <c>vigil migrate verify</c>: compares every key (or a random sample) of two servers, in every database:
/// type, value and time to live. Keys are listed with SCAN on both sides, so keys only one side has are
/// found too. A key that differs is read again a few times before it is reported, since a replica may be a
/// moment behind.
/// </summary>
public sealed class Verifier(VerifyOptions options, TextWriter output, TextWriter errors, bool live)
{
    public const int BatchKeys = 1000;
    public const int MaxListedDifferences = 100;
    private const int Rechecks = 3;
    private static readonly TimeSpan RecheckDelay = TimeSpan.FromMilliseconds(200);

    private readonly ProgressDisplay _progress = new(output, live);
    private readonly List<string> _differences = [];
    private long _compared;

    public async Task<int> RunAsync(CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        RedisLink source, target;
        try
        {
            source = await Connect("source", options.Source!, cancel).ConfigureAwait(false);
        }
        catch (MigrationRefusal refusal) { return Refuse(refusal.Message); }
        await using (source.ConfigureAwait(false))
        {
            try
            {
                target = await Connect("target", options.Target!, cancel).ConfigureAwait(false);
            }
            catch (MigrationRefusal refusal) { return Refuse(refusal.Message); }
            await using (target.ConfigureAwait(false))
            {
                try
                {
                    var sourceKeys = (await ReplicationPhase.InfoAsync(source, cancel, "keyspace").ConfigureAwait(false)).KeysPerDb();
                    var targetKeys = (await ReplicationPhase.InfoAsync(target, cancel, "keyspace").ConfigureAwait(false)).KeysPerDb();
                    var total = sourceKeys.Values.Sum();
                    foreach (var db in sourceKeys.Keys.Union(targetKeys.Keys).Order())
                    {
                        await SelectAsync(source, db, cancel).ConfigureAwait(false);
                        await SelectAsync(target, db, cancel).ConfigureAwait(false);
                        if (options.Sample is { } sample)
                        {
                            var share = total == 0 ? 0 : (int)Math.Ceiling((double)sample * sourceKeys.GetValueOrDefault(db) / total);
                            await SampleAsync(source, target, db, share, clock, cancel).ConfigureAwait(false);
                        }
                        else
                        {
                            await CompareAllAsync(source, target, db, total, clock, cancel).ConfigureAwait(false);
                        }
                    }
                }
                catch (RedisLinkException ex) { return Refuse(ex.Message); }
            }
        }
        _progress.EndLive();
        var elapsed = clock.Elapsed.TotalSeconds;
        if (options.JsonPath is not null) SaveJson(elapsed);
        if (_differences.Count == 0)
        {
            output.WriteLine($"verify: {Units.N(_compared)} keys compared in {Units.Seconds(elapsed)}: no difference");
            return 0;
        }
        output.WriteLine($"verify: {Units.N(_compared)} keys compared in {Units.Seconds(elapsed)}: {Units.N(_differences.Count)} differ");
        foreach (var line in _differences.Take(MaxListedDifferences)) output.WriteLine("  " + line);
        if (_differences.Count > MaxListedDifferences) output.WriteLine($"  ... and {Units.N(_differences.Count - MaxListedDifferences)} more");
        errors.WriteLine($"vigil migrate verify: {Units.N(_differences.Count)} of {Units.N(_compared)} keys differ between {options.Source} and {options.Target}");
        return 1;
    }

    private async Task CompareAllAsync(RedisLink source, RedisLink target, int db, long total, Stopwatch clock, CancellationToken cancel)
    {
        await foreach (var batch in ScanAsync(source, cancel).ConfigureAwait(false))
        {
            await CompareAsync(source, target, db, batch, cancel).ConfigureAwait(false);
            _progress.Show($"[{Units.Seconds(clock.Elapsed.TotalSeconds)}] verify: {Units.N(_compared)} of ~{Units.N(total)} keys compared, {_differences.Count} differ");
        }
        // Keys only the target has: SCAN it and look for each on the source.
        await foreach (var batch in ScanAsync(target, cancel).ConfigureAwait(false))
        {
            var exists = await source.PipelineAsync([.. batch.Select(k => RedisLink.Command("EXISTS", k))], cancel).ConfigureAwait(false);
            var onlyOnTarget = batch.Where((_, i) => Replies.Integer(exists[i]) == 0).ToList();
            if (onlyOnTarget.Count > 0) await CompareAsync(source, target, db, onlyOnTarget, cancel, count: false).ConfigureAwait(false);
        }
    }

    private async Task SampleAsync(RedisLink source, RedisLink target, int db, int count, Stopwatch clock, CancellationToken cancel)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var done = 0; done < count;)
        {
            var size = Math.Min(BatchKeys, count - done);
            var keys = await source.PipelineAsync([.. Enumerable.Range(0, size).Select(_ => RedisLink.Command("RANDOMKEY"))], cancel).ConfigureAwait(false);
            var batch = keys.OfType<RespBulkString>().Select(k => k.Bytes).Where(k => seen.Add(Convert.ToBase64String(k))).ToList();
            await CompareAsync(source, target, db, batch, cancel).ConfigureAwait(false);
            done += size;
            _progress.Show($"[{Units.Seconds(clock.Elapsed.TotalSeconds)}] verify: {Units.N(_compared)} sampled keys compared, {_differences.Count} differ");
        }
    }

    private async Task CompareAsync(RedisLink source, RedisLink target, int db, IReadOnlyList<byte[]> keys, CancellationToken cancel, bool count = true)
    {
        if (count) _compared += keys.Count;
        var suspects = keys;
        Dictionary<byte[], string> differing = [];
        for (var attempt = 0; attempt <= Rechecks && suspects.Count > 0; attempt++)
        {
            if (attempt > 0) await Task.Delay(RecheckDelay, cancel).ConfigureAwait(false);
            // Both sides at once: the reads are then as close in time as they can be, and twice as fast.
            var reads = await Task.WhenAll(KeyReader.ReadAsync(source, suspects, cancel), KeyReader.ReadAsync(target, suspects, cancel)).ConfigureAwait(false);
            var (a, b) = (reads[0], reads[1]);
            differing = [];
            for (var i = 0; i < suspects.Count; i++)
            {
                if (KeyComparison.Difference(a[i], b[i], options.TtlToleranceMs) is { } difference) differing[suspects[i]] = difference;
            }
            suspects = [.. differing.Keys];
        }
        foreach (var (key, difference) in differing) _differences.Add($"db{db} {Show(key)}: {difference}");
    }

    private static async IAsyncEnumerable<List<byte[]>> ScanAsync(RedisLink link, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancel)
    {
        var cursor = "0";
        do
        {
            var reply = Replies.Items(await link.CallAsync(cancel, "SCAN", cursor, "COUNT", BatchKeys.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false));
            if (reply.Count != 2) throw new RedisLinkException($"{link.Endpoint}: unexpected SCAN reply");
            cursor = Replies.Text(reply[0]) ?? "0";
            var keys = Replies.Items(reply[1]).OfType<RespBulkString>().Select(k => k.Bytes).ToList();
            if (keys.Count > 0) yield return keys;
        }
        while (cursor != "0");
    }

    private static async Task SelectAsync(RedisLink link, int db, CancellationToken cancel)
    {
        if (await link.CallAsync(cancel, "SELECT", db.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false) is RespError error)
        {
            throw new RedisLinkException($"{link.Endpoint}: SELECT {db}: {error.Text}");
        }
    }

    private async Task<RedisLink> Connect(string role, RedisEndpoint endpoint, CancellationToken cancel)
    {
        try
        {
            var link = await RedisLink.ConnectAsync(endpoint, options.Credentials, cancel).ConfigureAwait(false);
            link.Timeout = TimeSpan.FromSeconds(60);
            return link;
        }
        catch (RedisLinkException ex)
        {
            throw new MigrationRefusal($"{role} {endpoint}: {ex.Message}", ex);
        }
    }

    private int Refuse(string line)
    {
        _progress.EndLive();
        errors.WriteLine("vigil migrate verify: " + line);
        return 1;
    }

    /// <summary>A key as text, with bytes that are not printable written as \xNN.</summary>
    internal static string Show(byte[] key)
    {
        var text = new StringBuilder("'");
        foreach (var b in key)
        {
            if (b is >= 0x20 and < 0x7f && b != (byte)'\'' && b != (byte)'\\') text.Append((char)b);
            else text.Append(CultureInfo.InvariantCulture, $"\\x{b:x2}");
        }
        return text.Append('\'').ToString();
    }

    private void SaveJson(double seconds)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("source", options.Source!.ToString());
            json.WriteString("target", options.Target!.ToString());
            json.WriteBoolean("sample", options.Sample is not null);
            json.WriteNumber("keysVerified", _compared);
            json.WriteNumber("keysDiffering", _differences.Count);
            json.WriteNumber("seconds", Math.Round(seconds, 3));
            json.WriteStartArray("differences");
            foreach (var line in _differences.Take(MaxListedDifferences)) json.WriteStringValue(line);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        AtomicFile.Write(options.JsonPath!, buffer.ToArray());
    }
}
