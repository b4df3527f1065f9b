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
        var saves = new List<SentinelState>();
        var options = Options() with
        {
            SaveStateNow = state =>
            {
                saves.Add(state);
                return saveWorks;
            },
        };
        return (new SimulatedHost(options: options), saves);
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
    public void WithoutASynchronousSaverTheSaveIsQueuedAndTheReplyIsOk()
    {
        var host = new SimulatedHost();
        int before = host.EffectsOf<PersistState>().Count();

        Assert.Equal(RespValue.Ok, host.Sentinel("set", "mymaster", "quorum", "5"));

        Assert.Equal(before + 1, host.EffectsOf<PersistState>().Count());
    }

    [Fact]
    public void ASynchronousSaveReplacesTheQueuedOne()
    {
        var (host, _) = HostWithSaver(saveWorks: true);
        int before = host.EffectsOf<PersistState>().Count();

        host.Sentinel("flushconfig");

        Assert.Equal(before, host.EffectsOf<PersistState>().Count());
    }
}
