using System.Text;
using Vigil.Integration.Infrastructure;
using Vigil.Resp;

namespace Vigil.Integration.Host;

/// <summary>
/// Sends the same commands to Vigil and to the reference redis-sentinel, started side by side on the
/// same kind of config, and requires the same replies: texts, types and shapes.
/// </summary>
public sealed class ReplyCompatibilityTests(SentinelPairFixture pair) : IClassFixture<SentinelPairFixture>
{
    private readonly RunningNode? _vigil = pair.Vigil;
    private readonly RunningNode? _reference = pair.Reference;

    public static TheoryData<string> SameReplyCommands => new()
    {
        "ping", "ping hello", "ping a b", "config get port", "quit", "multi", "echo x", "select 0", "debug sleep 0",
        "client foo", "client", "command foo", "acl foo", "publish x y", "publish __sentinel__:hellox y",
        "subscribe", "info foo", "hello 4", "hello x", "auth a", "auth a b", "auth a b c",
        "acl whoami", "acl users", "acl list", "acl getuser nobody", "acl cat", "acl help",
        "role", "command count", "command info foo", "command info ping", "command info sentinel",
        "command info client", "command info acl", "command info command", "command info sentinel|myid",
        "command getkeys ping", "command help", "client help", "client getname", "client setname a\tb",
        "client reply foo", "client kill 1.2.3.4:5", "client kill id 0", "client list type foo",
        "shutdown foo", "sentinel", "sentinel foo", "sentinel help", "unsubscribe", "punsubscribe",
        "subscribe a b", "psubscribe p*",
        // SENTINEL subcommands whose replies do not depend on run ids or timing.
        "sentinel help", "sentinel debug", "sentinel debug foo 1", "sentinel debug ping-period 0",
        "sentinel config get *", "sentinel config get announce*", "sentinel config set foo bar",
        "sentinel config set resolve-hostnames maybe", "sentinel config", "sentinel ckquorum mymaster",
        "sentinel ckquorum nosuch", "sentinel is-master-down-by-addr 127.0.0.1 7 0 *",
        "sentinel is-master-down-by-addr 127.0.0.1 8 0 *", "sentinel is-master-down-by-addr 127.0.0.1 x 0 *",
        "sentinel get-master-addr-by-name mymaster", "sentinel get-master-addr-by-name nosuch",
        "sentinel master nosuch", "sentinel replicas nosuch", "sentinel slaves mymaster", "sentinel replicas mymaster",
        "sentinel sentinels nosuch", "sentinel set mymaster foo bar", "sentinel set mymaster quorum 0",
        "sentinel set mymaster down-after-milliseconds x", "sentinel set nosuch quorum 2", "sentinel set mymaster quorum",
        "sentinel set mymaster notification-script /nonexistent",
        "sentinel monitor m2 127.0.0.1 7 x", "sentinel monitor m2 127.0.0.1 x 2", "sentinel monitor m2 127.0.0.1 7 0",
        "sentinel monitor m2 not-an-ip 7 2", "sentinel monitor mymaster 127.0.0.1 7 2", "sentinel monitor m2 127.0.0.1 70000 2",
        "sentinel remove nosuch", "sentinel simulate-failure help", "sentinel simulate-failure bogus",
        "sentinel pending-scripts", "sentinel info-cache nosuch", "sentinel reset nosuch*", "sentinel failover nosuch",
        "sentinel flushconfig", "sentinel myid x", "sentinel masters x",
    };

    [Theory]
    [MemberData(nameof(SameReplyCommands))]
    public async Task ReplyMatchesReferenceInResp2(string command) => await CompareAsync(command, resp3: false);

    [Theory]
    [InlineData("ping")]
    [InlineData("command info ping")]
    [InlineData("command info sentinel")]
    [InlineData("acl getuser default")]
    [InlineData("subscribe a b")]
    [InlineData("psubscribe p*")]
    [InlineData("unsubscribe")]
    [InlineData("client trackinginfo")]
    [InlineData("role")]
    public async Task ReplyMatchesReferenceInResp3(string command) => await CompareAsync(command, resp3: true);

    [Theory]
    [InlineData("sentinel masters")]
    [InlineData("sentinel master mymaster")]
    public async Task InstanceObjectsHaveTheReferenceFieldsInOrder(string command)
    {
        var mine = await ReplyAsync(_vigil!, command, resp3: false);
        var theirs = await ReplyAsync(_reference!, command, resp3: false);
        Assert.Equal(FieldNames(theirs), FieldNames(mine));

        static string FieldNames(RespValue reply) => reply is RespArray { Items: [RespArray, ..] } list
            ? string.Join(" | ", list.Items.Select(FieldNames))
            : string.Join(' ', Replies.Fields(reply).Select(f => f.Key));
    }

    [Theory]
    [InlineData("sentinel master mymaster")]
    [InlineData("sentinel debug")]
    [InlineData("sentinel config get *")]
    [InlineData("sentinel is-master-down-by-addr 127.0.0.1 7 0 *")]
    [InlineData("sentinel get-master-addr-by-name nosuch")]
    public async Task SentinelRepliesHaveTheReferenceTypesInResp3(string command)
    {
        var mine = await ReplyAsync(_vigil!, command, resp3: true);
        var theirs = await ReplyAsync(_reference!, command, resp3: true);
        Assert.Equal(Shape(theirs), Shape(mine));

        static string Shape(RespValue reply) => reply switch
        {
            RespMap map => "%{" + string.Join(",", map.Entries.Select(e => Shape(e.Key) + ":" + Shape(e.Value))) + "}",
            RespArray array => "[" + string.Join(",", array.Items.Select(Shape)) + "]",
            RespBulkString bulk => bulk.Text.Length == 40 ? "$id" : "$",
            _ => reply.GetType().Name,
        };
    }

    /// <summary>
    /// Repeats of the address query are answered from the host's cache of encoded replies while the core has not moved:
    /// every answer of a pipeline, whichever path gave it, is the reference's, in both protocols and for a null answer.
    /// </summary>
    [Theory]
    [InlineData("mymaster", false)]
    [InlineData("mymaster", true)]
    [InlineData("nosuch", false)]
    [InlineData("nosuch", true)]
    public async Task RepeatedAddressQueriesInAPipelineAllGetTheReferenceReply(string name, bool resp3)
    {
        var theirs = RespText.Render(await ReplyAsync(_reference!, $"sentinel get-master-addr-by-name {name}", resp3));
        await using var client = await _vigil!.ConnectAsync();
        if (resp3) await client.CallAsync("HELLO", "3");
        const int Repeats = 200;
        var batch = new StringBuilder();
        for (var i = 0; i < Repeats; i++)
        {
            var subcommand = i % 2 == 0 ? "GET-MASTER-ADDR-BY-NAME" : "get-Master-Addr-By-Name";
            batch.Append($"*3\r\n$8\r\nsentinel\r\n$23\r\n{subcommand}\r\n${name.Length}\r\n{name}\r\n");
        }
        await client.SendRawAsync(batch.ToString());
        for (var i = 0; i < Repeats; i++) Assert.Equal(theirs, RespText.Render(await client.ReadAsync()));
    }

    [Fact]
    public async Task MyIdIsFortyHexCharacters()
    {
        var reply = (RespBulkString)await ReplyAsync(_vigil!, "sentinel myid", resp3: false);
        Assert.Matches("^[0-9a-f]{40}$", reply.Text);
    }

    [Fact]
    public async Task CommandListHasTheSameNames()
    {
        var mine = await ReplyAsync(_vigil!, "command list", resp3: false);
        var theirs = await ReplyAsync(_reference!, "command list", resp3: false);
        Assert.Equal(Names(theirs), Names(mine));

        static List<string> Names(RespValue value) =>
            [.. ((RespArray)value).Items.Select(v => ((RespBulkString)v).Text).Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task HelloReportsTheSameFieldsExceptTheClientId()
    {
        var mine = (RespMap)await ReplyAsync(_vigil!, "hello 3", resp3: false);
        var theirs = (RespMap)await ReplyAsync(_reference!, "hello 3", resp3: false);
        Assert.Equal(theirs.Entries.Select(e => e.Key), mine.Entries.Select(e => e.Key));
        Assert.Equal(
            theirs.Entries.Where(e => ((RespBulkString)e.Key).Text != "id"),
            mine.Entries.Where(e => ((RespBulkString)e.Key).Text != "id"));
    }

    private async Task CompareAsync(string command, bool resp3)
    {
        var theirs = await ReplyAsync(_reference!, command, resp3);
        var mine = await ReplyAsync(_vigil!, command, resp3);
        if (command.StartsWith("command info", StringComparison.Ordinal))
        {
            theirs = SortSubcommands(theirs);
            mine = SortSubcommands(mine);
        }
        Assert.Equal(RespText.Render(theirs), RespText.Render(mine));
    }

    // The reference lists subcommands in its hash table's order, which is not part of the contract.
    private static RespValue SortSubcommands(RespValue reply)
    {
        if (reply is not RespArray { Items: var entries }) return reply;
        return new RespArray([.. entries.Select(entry => entry is RespArray { Items.Count: 10 } info && info.Items[9] is RespArray subcommands
            ? new RespArray([.. info.Items.Take(9), new RespArray([.. subcommands.Items.OrderBy(Name, StringComparer.Ordinal)])])
            : entry)]);

        static string Name(RespValue sub) => ((RespBulkString)((RespArray)sub).Items[0]).Text;
    }

    private static async Task<RespValue> ReplyAsync(RunningNode node, string command, bool resp3)
    {
        await using var client = await node.ConnectAsync();
        if (resp3) await client.CallAsync("HELLO", "3");
        var words = command.Split(' ');
        var reply = await client.CallAsync(words);
        // Subscribing commands answer once per channel: collect them all.
        if (words[0] is "subscribe" or "psubscribe" && words.Length > 2)
        {
            var all = new List<RespValue> { reply };
            for (var i = 2; i < words.Length; i++) all.Add(await client.ReadAsync());
            return new RespArray(all);
        }
        return reply;
    }
}

/// <summary>One Vigil and one reference sentinel on the same config, shared by the comparison tests.</summary>
public sealed class SentinelPairFixture : IAsyncLifetime
{
    private readonly TempDir _dir = new();

    public RunningNode? Vigil { get; private set; }
    public RunningNode? Reference { get; private set; }

    public async Task InitializeAsync()
    {
        string[] config = ["sentinel monitor mymaster 127.0.0.1 7 2"];
        Reference = await RedisNodes.StartReferenceSentinelAsync(_dir, config);
        Vigil = await RedisNodes.StartVigilAsync(_dir, config);
    }

    public Task DisposeAsync()
    {
        Vigil?.Dispose();
        Reference?.Dispose();
        _dir.Dispose();
        return Task.CompletedTask;
    }
}
