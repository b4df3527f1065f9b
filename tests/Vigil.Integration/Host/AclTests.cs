using System.Globalization;
using Vigil.Integration.Infrastructure;
using Vigil.Resp;

namespace Vigil.Integration.Host;

/// <summary>
/// ACL on real processes, each scenario played against Vigil and against redis-sentinel 7.0 side by side: NOPERM
/// for commands and channels, ACL SETUSER acting on open sessions, ACL LOG, the ACL file with ACL LOAD / SAVE,
/// and the start-up refusals (a broken ACL file, <c>port 0</c> with nothing else to listen on).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AclTests : IDisposable
{
    private static readonly TimeSpan ClosedWithin = TimeSpan.FromSeconds(5);

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task PermissionsLiveChangesAndTheLogMatchTheReference()
    {
        var vigilStart = RedisNodes.StartVigilAsync(_dir, []);
        var referenceStart = RedisNodes.StartReferenceSentinelAsync(_dir, []);
        using var vigil = await vigilStart;
        using var reference = await referenceStart;

        var vigilTranscript = await PlayPermissionScenarioAsync(vigil);
        var referenceTranscript = await PlayPermissionScenarioAsync(reference);

        Assert.Equal(referenceTranscript, vigilTranscript);
        // What the scenario is about, spelled out (the reference agreeing is checked above).
        Assert.Contains("SENTINEL MASTERS -> -NOPERM this user has no permissions to run the 'sentinel|masters' command", vigilTranscript);
        Assert.Contains("PUBLISH __sentinel__:hello -> -NOPERM this user has no permissions to access one of the channels used as arguments", vigilTranscript);
        Assert.Contains("PING after -ping -> -NOPERM this user has no permissions to run the 'ping' command", vigilTranscript);
        Assert.Contains("subscriber closed after resetchannels -> True", vigilTranscript);
        Assert.Contains("session closed after DELUSER -> True", vigilTranscript);
        Assert.Contains("log -> [3 auth toplevel AUTH bob] [1 command toplevel ping bob] [1 channel toplevel other bob] [1 channel toplevel __sentinel__:hello bob] [1 command toplevel sentinel|masters bob]", vigilTranscript);
    }

    /// <summary>The steps and their replies, one line each; ACL LOG reduced to what does not depend on timing or ids.</summary>
    private static async Task<List<string>> PlayPermissionScenarioAsync(RunningNode node)
    {
        var transcript = new List<string>();
        await using var admin = await node.ConnectAsync();
        async Task Step(RespTestClient client, string label, params string[] command) =>
            transcript.Add($"{label} -> {RespText.Render(await client.CallAsync(command))}");

        await Step(admin, "SETUSER bob", "ACL", "SETUSER", "bob", "on", ">pw1", "+@all", "-sentinel|masters", "resetchannels", "&news.*");
        // Before the live changes: the reference lists later removals in its command table's order, not as given.
        await Step(admin, "GETUSER bob", "ACL", "GETUSER", "bob");
        await Step(admin, "LIST", "ACL", "LIST");
        await using var bob = await node.ConnectAsync();
        await Step(bob, "AUTH bob", "AUTH", "bob", "pw1");
        await Step(bob, "SENTINEL MASTERS", "SENTINEL", "MASTERS");
        await Step(bob, "PUBLISH __sentinel__:hello", "PUBLISH", "__sentinel__:hello", "x");
        await Step(bob, "SUBSCRIBE other", "SUBSCRIBE", "other");
        await Step(admin, "DRYRUN psubscribe news.*", "ACL", "DRYRUN", "bob", "psubscribe", "news.*");
        await Step(admin, "DRYRUN psubscribe news.1*", "ACL", "DRYRUN", "bob", "psubscribe", "news.1*");

        await using var subscriber = await node.ConnectAsync();
        await Step(subscriber, "subscriber AUTH", "AUTH", "bob", "pw1");
        await Step(subscriber, "SUBSCRIBE news.1", "SUBSCRIBE", "news.1");

        // Rules change under an open session: its next command is checked against them.
        await Step(admin, "SETUSER bob -ping", "ACL", "SETUSER", "bob", "-ping");
        await Step(bob, "PING after -ping", "PING");
        await Step(admin, "SETUSER bob new password", "ACL", "SETUSER", "bob", "resetpass", ">pw2");
        await using (var fresh = await node.ConnectAsync())
        {
            await Step(fresh, "AUTH old password", "AUTH", "bob", "pw1");
            await Step(fresh, "AUTH old password again", "AUTH", "bob", "pw1");
            await Step(fresh, "AUTH new password", "AUTH", "bob", "pw2");
        }
        await Step(bob, "WHOAMI on the open session", "ACL", "WHOAMI");

        // Taking away a channel a subscriber listens on disconnects it.
        await Step(admin, "SETUSER bob channels", "ACL", "SETUSER", "bob", "resetchannels", "&sports");
        transcript.Add($"subscriber closed after resetchannels -> {await subscriber.IsClosedByServerAsync(ClosedWithin)}");

        // Off: no new login; the open session goes on, as in the reference.
        await Step(admin, "SETUSER bob off", "ACL", "SETUSER", "bob", "off");
        await using (var fresh = await node.ConnectAsync())
        {
            await Step(fresh, "AUTH while off", "AUTH", "bob", "pw2");
        }
        await Step(bob, "WHOAMI while off", "ACL", "WHOAMI");

        var log = (RespArray)await admin.CallAsync("ACL", "LOG");
        transcript.Add("log -> " + string.Join(' ', log.Items.Select(DescribeLogEntry)));
        // The second newest is the PING refused on bob's own session.
        var entry = ((RespArray)log.Items[1]).Items;
        transcript.Add("log fields -> " + string.Join(',', entry.Where((_, i) => i % 2 == 0).Select(Text)));
        transcript.Add($"log client-info -> {Text(entry[13]).StartsWith("id=", StringComparison.Ordinal) && Text(entry[13]).Contains(" user=bob ", StringComparison.Ordinal)}");
        var age = double.Parse(Text(entry[11]), CultureInfo.InvariantCulture);
        transcript.Add($"log age-seconds -> {age is >= 0 and < 60}");
        transcript.Add($"LOG 1 -> {((RespArray)await admin.CallAsync("ACL", "LOG", "1")).Items.Count}");
        await Step(admin, "LOG RESET", "ACL", "LOG", "RESET");
        await Step(admin, "LOG after reset", "ACL", "LOG");

        await Step(admin, "DELUSER bob", "ACL", "DELUSER", "bob");
        transcript.Add($"session closed after DELUSER -> {await bob.IsClosedByServerAsync(ClosedWithin)}");
        return transcript;
    }

    private static string Text(RespValue value) => value switch
    {
        RespBulkString bulk => bulk.Text,
        RespSimpleString simple => simple.Text,
        RespInteger integer => integer.Value.ToString(CultureInfo.InvariantCulture),
        _ => RespText.Render(value),
    };

    /// <summary>count, reason, context, object and username of one entry (a RESP2 map is a flat array).</summary>
    private static string DescribeLogEntry(RespValue entry)
    {
        var fields = ((RespArray)entry).Items;
        return $"[{Text(fields[1])} {Text(fields[3])} {Text(fields[5])} {Text(fields[7])} {Text(fields[9])}]";
    }

    [Fact]
    public async Task AclFileRoundTripMatchesTheReference()
    {
        var vigil = await PlayAclFileScenarioAsync((dir, lines) => RedisNodes.StartVigilAsync(dir, lines), "vigil");
        var reference = await PlayAclFileScenarioAsync((dir, lines) => RedisNodes.StartReferenceSentinelAsync(dir, lines), "ref");

        Assert.Equal(reference.Transcript, vigil.Transcript);
        Assert.Equal(reference.SavedFile, vigil.SavedFile);
        Assert.Contains("user dave on #", vigil.SavedFile, StringComparison.Ordinal);
        Assert.Contains(" resetchannels -@all +ping\n", vigil.SavedFile, StringComparison.Ordinal);
        Assert.Contains("LOAD broken -> -ERR {file}:4: Syntax error. WARNING: ACL errors detected, no change to the previously active ACL rules was performed", vigil.Transcript);
        Assert.Contains("carol closed after LOAD -> True", vigil.Transcript);
        // Our own rule, stricter than the reference's 0644: the file holds password hashes.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, vigil.SavedMode);
    }

    private sealed record AclFileRun(List<string> Transcript, string SavedFile, UnixFileMode SavedMode);

    private async Task<AclFileRun> PlayAclFileScenarioAsync(Func<TempDir, IEnumerable<string>, Task<RunningNode>> start, string kind)
    {
        var file = _dir.File($"{kind}-users.acl");
        await File.WriteAllTextAsync(file, "user default on nopass ~* &* +@all\nuser carol on >cpw &* +@all\n");
        using var node = await start(_dir, [$"aclfile {file}"]);
        var transcript = new List<string>();
        await using var admin = await node.ConnectAsync();
        async Task Step(RespTestClient client, string label, params string[] command) =>
            transcript.Add($"{label} -> {RespText.Render(await client.CallAsync(command)).Replace(file, "{file}", StringComparison.Ordinal)}");

        await using var carol = await node.ConnectAsync();
        await Step(carol, "AUTH carol", "AUTH", "carol", "cpw");
        await Step(admin, "SETUSER dave", "ACL", "SETUSER", "dave", "on", ">dpw", "+ping");
        await Step(admin, "SAVE", "ACL", "SAVE");
        var saved = await File.ReadAllTextAsync(file);
        var mode = File.GetUnixFileMode(file);

        await File.AppendAllTextAsync(file, "user eve on >epw +@all bogus\n");
        await Step(admin, "LOAD broken", "ACL", "LOAD");
        await Step(admin, "USERS after failed LOAD", "ACL", "USERS");
        await Step(carol, "carol after failed LOAD", "PING");

        await File.WriteAllTextAsync(file, "user carol on >cpw2 &* +@all\nuser eve on >epw +@all\n");
        await Step(admin, "LOAD", "ACL", "LOAD");
        await Step(admin, "USERS after LOAD", "ACL", "USERS");
        transcript.Add($"carol closed after LOAD -> {await carol.IsClosedByServerAsync(ClosedWithin)}");
        await using (var fresh = await node.ConnectAsync())
        {
            await Step(fresh, "AUTH carol new password", "AUTH", "carol", "cpw2");
        }
        return new AclFileRun(transcript, saved, mode);
    }

    [Theory]
    [InlineData("aclfile", "user carol on >pw +@all\nuser carol on >pw2\nnonsense\n", "{file}:3 should start with user keyword followed by the username.")]
    [InlineData("aclfile+user", "user carol on >pw +@all\n", "Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid.")]
    [InlineData("port0", "", "Configured to not listen anywhere, exiting.")]
    public async Task StartRefusalsMatchTheReference(string kind, string aclFileText, string expected)
    {
        var file = _dir.File($"{kind}.acl");
        await File.WriteAllTextAsync(file, aclFileText);
        var port = FreePort.Next();
        string[] lines = kind switch
        {
            "aclfile" => [$"port {port}", "bind 127.0.0.1", $"aclfile {file}"],
            "aclfile+user" => [$"port {port}", "bind 127.0.0.1", $"aclfile {file}", "user dave on >pw +@all"],
            _ => ["port 0"],
        };
        var vigilConfig = _dir.File($"{kind}-vigil.conf");
        var referenceConfig = _dir.File($"{kind}-ref.conf");
        await File.WriteAllLinesAsync(vigilConfig, lines);
        await File.WriteAllLinesAsync(referenceConfig, lines);

        var vigil = await Cli.VigilAsync([vigilConfig], TimeSpan.FromSeconds(30));
        var reference = await Cli.RunAsync(RedisNodes.RedisSentinel, [referenceConfig], TimeSpan.FromSeconds(30));

        Assert.Equal(1, reference.ExitCode);
        Assert.Contains(expected.Replace("{file}", file, StringComparison.Ordinal), reference.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, vigil.ExitCode);
        Assert.Contains(expected.Replace("{file}", file, StringComparison.Ordinal), vigil.Stdout + vigil.Stderr, StringComparison.Ordinal);
        if (kind == "port0") return;
        var check = await Cli.VigilAsync(["check-config", vigilConfig], TimeSpan.FromSeconds(30));
        Assert.Equal(1, check.ExitCode);
        Assert.Contains(expected.Replace("{file}", file, StringComparison.Ordinal), check.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PortZeroWithAUnixSocketServesOnlyThere()
    {
        var path = _dir.File("vigil.sock");
        var config = _dir.File("port0-unix.conf");
        await File.WriteAllLinesAsync(config, ["port 0", "bind 127.0.0.1", $"unixsocket {path}"]);
        var (program, args) = RedisNodes.VigilCommand([config]);
        using var vigil = ManagedProcess.Start(program, args, _dir.Path);
        await Wait.UntilAsync(() => File.Exists(path) || vigil.HasExited, TimeSpan.FromSeconds(20), "the Unix socket");

        await using var client = await RespTestClient.ConnectUnixAsync(path);
        Assert.Equal("PONG", ((RespSimpleString)await client.CallAsync("PING")).Text);
        var info = ((RespBulkString)await client.CallAsync("INFO", "server")).Text;
        Assert.Contains("tcp_port:0", info, StringComparison.Ordinal);
    }
}
