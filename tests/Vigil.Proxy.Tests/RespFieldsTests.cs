using Vigil.Proxy;
using Vigil.Resp;

namespace Vigil.Proxy.Tests;

public sealed class RespFieldsTests
{
    private static RespArray Entry(params string[] pairs) => new([.. pairs.Select(p => (RespValue)RespValue.Bulk(p))]);

    [Fact]
    public void RoleIsTheFirstElementOfTheRoleReply()
    {
        Assert.Equal("master", RespFields.Role(RespValue.Array(RespValue.Bulk("master"), RespValue.Integer(0), RespValue.Array())));
        Assert.Equal("slave", RespFields.Role(RespValue.Array(RespValue.Bulk("slave"), RespValue.Bulk("127.0.0.1"))));
        Assert.Null(RespFields.Role(RespValue.Error("NOAUTH Authentication required.")));
    }

    [Fact]
    public void SentinelMasterFieldsGiveTheAddress()
    {
        var fields = RespFields.Fields(Entry("name", "mymaster", "ip", "10.0.0.5", "port", "6379", "config-epoch", "3"));
        Assert.Equal(new HostPort("10.0.0.5", 6379), RespFields.Address(fields));
        Assert.Equal("3", fields["config-epoch"]);
        Assert.Null(RespFields.Address(RespFields.Fields(Entry("name", "mymaster"))));
    }

    [Theory]
    [InlineData("slave", "ok", true)]
    [InlineData("slave,s_down", "ok", false)]
    [InlineData("slave,s_down,o_down", "ok", false)]
    [InlineData("slave,disconnected", "ok", false)]
    [InlineData("slave", "err", false)]
    public void OnlyReplicasThatAreUpAndLinkedTakeReads(string flags, string link, bool healthy) =>
        Assert.Equal(healthy, RespFields.IsHealthyReplica(RespFields.Fields(
            Entry("ip", "10.0.0.6", "port", "6379", "flags", flags, "master-link-status", link))));
}
