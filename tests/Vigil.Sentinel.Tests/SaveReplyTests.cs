using Vigil.Resp;
using Vigil.Sentinel.State;
using Vigil.Sentinel.Tests.Support;
using static Vigil.Sentinel.Tests.Support.Fixtures;

namespace Vigil.Sentinel.Tests;

/// <summary>Commands whose reply says whether their change reached the disk (the reference's flush-and-reply).</summary>
public sealed class SaveReplyTests
{
    private const string SaveFailed = "ERR Failed to save config file. Check server logs.";

    private static (SimulatedHost Host, List<SentinelState> Saves) HostWithSaver(bool saveWorks)
    {
        var host = new SimulatedHost();
        var saves = new List<SentinelState>();
        host.Saver = state =>
        {
            saves.Add(state);
            return saveWorks;
        };
        return (host, saves);
    }

    [Fact]
    public void SetSavesBeforeReplyingOk()
    {
        var (host, saves) = HostWithSaver(saveWorks: true);

        Assert.Equal(RespValue.Ok, host.Sentinel("set", "mymaster", "quorum", "5"));

        Assert.Equal(5, Assert.Single(saves).Masters.Single().Settings.Quorum);
    }

    [Fact]
    public void SetWhoseSaveFailsAnswersTheSaveErrorAndKeepsTheChange()
    {
        var (host, _) = HostWithSaver(saveWorks: false);

        Assert.Equal(SaveFailed, Replies.Error(host.Sentinel("set", "mymaster", "quorum", "5")));

        Assert.Equal("5", Replies.Fields(host.Sentinel("master", "mymaster"))["quorum"]);
    }

    [Fact]
    public void SetWithABadLaterOptionAnswersThatErrorButSavesTheEarlierChange()
    {
        var (host, saves) = HostWithSaver(saveWorks: false);

        var reply = host.Sentinel("set", "mymaster", "quorum", "4", "down-after-milliseconds", "-1");

        Assert.StartsWith("ERR Invalid argument '-1'", Replies.Error(reply), StringComparison.Ordinal);
        Assert.Equal(4, Assert.Single(saves).Masters.Single().Settings.Quorum);
    }

    [Fact]
    public void SetThatChangesNothingDoesNotSave()
    {
        var (host, saves) = HostWithSaver(saveWorks: false);

        Assert.StartsWith("ERR Unknown option", Replies.Error(host.Sentinel("set", "mymaster", "fakeoption", "x")), StringComparison.Ordinal);

        Assert.Empty(saves);
    }

    [Theory]
    [InlineData("flushconfig")]
    [InlineData("monitor", "other", "10.0.0.7", "7007", "2")]
    [InlineData("remove", "mymaster")]
    [InlineData("config", "set", "announce-hostnames", "yes")]
    public void AdministrativeCommandsReportAFailedSave(params string[] args)
    {
        var (host, saves) = HostWithSaver(saveWorks: false);

        Assert.Equal(SaveFailed, Replies.Error(host.Sentinel(args)));
        Assert.Single(saves);
    }

    [Fact]
    public void TheReplyWaitsForTheSaveToBeConfirmed()
    {
        var host = new SimulatedHost();
        host.Saver = _ => null; // written later
        long id = host.NextRequestId;

        Assert.Null(host.Request((now, requestId) => new SentinelRequest(now, requestId, [.. "set mymaster quorum 5".Split(' ').Select(System.Text.Encoding.UTF8.GetBytes)])));
        var save = host.EffectsOf<PersistState>().Last();
        host.Driver.Saved(save.Seq, ok: true);

        Assert.Equal(RespValue.Ok, Assert.IsType<Reply>(host.AnswerTo(id)).Value);
    }

    [Fact]
    public void RepliesHeldBehindASaveLeaveInOrder()
    {
        var host = new SimulatedHost();
        host.Saver = _ => null;
        long first = host.NextRequestId;
        Assert.Null(host.Request((now, id) => new SentinelRequest(now, id, [.. "flushconfig".Split(' ').Select(System.Text.Encoding.UTF8.GetBytes)])));
        // A read-only command queued behind the save waits too: one client's replies never overtake each other.
        Assert.Null(host.Request((now, id) => new RoleRequest(now, id)));

        host.Driver.Saved(host.EffectsOf<PersistState>().Last().Seq, ok: false);

        Assert.Equal(SaveFailed, Replies.Error(Assert.IsType<Reply>(host.AnswerTo(first)).Value));
        Assert.IsType<Reply>(host.AnswerTo(first + 1));
    }
}
