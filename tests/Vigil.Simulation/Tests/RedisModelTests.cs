using Vigil.Resp;
using Vigil.Simulation.Network;
using Vigil.Simulation.Redis;
using Vigil.Simulation.World;

namespace Vigil.Simulation.Tests;

public sealed class RedisModelTests
{
    /// <summary>A world with one group (a master and two replicas) whose Redis nodes are started; sentinels are not.</summary>
    private static SimWorld GroupOfThree(int minReplicasToWrite = 0)
    {
        var world = new SimWorld(7, new SimWorldOptions
        {
            AdjustScenario = s => s with
            {
                MasterNames = ["mymaster"],
                ReplicasPerGroup = [2],
                Quorums = [2],
                DownAfterMs = [5000],
                FailoverTimeoutMs = [10000],
                ParallelSyncs = [1],
                Priorities = [[100, 100, 0]],
                MinReplicasToWrite = [minReplicasToWrite],
                MinReplicasMaxLagSeconds = 2,
                ReplTimeoutMs = 60000,
                Network = NetworkProfile.Lan,
            },
        });
        foreach (var node in world.Redis) node.Start();
        return world;
    }

    private static SimConnection Connect(SimWorld world, RedisNode node, RecordingClient client)
    {
        var connection = world.Network.Connect(world.Network.HostCount - 1, client, node.HostId, node);
        world.Queue.RunUntil(world.NowMs + 100);
        return connection;
    }

    private static string Info(SimWorld world, RedisNode node)
    {
        var client = new RecordingClient();
        var connection = Connect(world, node, client);
        connection.Send(["INFO"]);
        world.Queue.RunUntil(world.NowMs + 100);
        return ((RespBulkString)client.Replies.Single()).Text;
    }

    [Fact]
    public void ReplicasStreamTheMastersWritesAndInfoShowsItInTheRedis7Format()
    {
        var world = GroupOfThree();
        var master = world.Redis[0];
        var client = new RecordingClient();
        var connection = Connect(world, master, client);
        for (int i = 1; i <= 10; i++) connection.Send(["SET", $"w:{i}", "v"]);
        world.Queue.RunUntil(world.NowMs + 2000);

        Assert.All(client.Replies, r => Assert.Equal(RespValue.Ok, r));
        Assert.Equal(master.Log, world.Redis[1].Log);
        Assert.Equal(master.Log, world.Redis[2].Log);
        string replicaInfo = Info(world, world.Redis[1]);
        Assert.Contains("\r\nrole:slave\r\nmaster_host:10.0.0.1\r\nmaster_port:7000\r\nmaster_link_status:up\r\n", replicaInfo);
        Assert.Contains("\r\nslave_repl_offset:640\r\n", replicaInfo);
        Assert.Contains("\r\nslave_priority:100\r\n", replicaInfo);
        Assert.Contains($"\r\nrun_id:{world.Redis[1].RunId}\r\n", replicaInfo);
        Assert.DoesNotContain("master_link_down_since_seconds", replicaInfo);
        string masterInfo = Info(world, master);
        Assert.Contains("\r\nrole:master\r\nconnected_slaves:2\r\nslave0:ip=10.0.0.2,port=7001,state=online,offset=640,lag=0\r\n", masterInfo);
        Assert.StartsWith("# Server\r\nredis_version:7.0.15\r\n", masterInfo);
    }

    [Fact]
    public void TheSentinelTransactionPromotesAtomicallyAndKillsTheOtherClients()
    {
        var world = GroupOfThree();
        var replica = world.Redis[1];
        var sentinel = new RecordingClient();
        var bystander = new RecordingClient();
        var connection = Connect(world, replica, sentinel);
        Connect(world, replica, bystander);

        foreach (var command in new[] { "MULTI", "SLAVEOF NO ONE", "CONFIG REWRITE", "CLIENT KILL TYPE normal", "CLIENT KILL TYPE pubsub", "EXEC" })
        {
            connection.Send(command.Split(' '));
        }
        world.Queue.RunUntil(world.NowMs + 500);

        Assert.Equal(RespValue.Ok, sentinel.Replies[0]);
        Assert.All(sentinel.Replies.Skip(1).Take(4), r => Assert.Equal(new RespSimpleString("QUEUED"), r));
        var exec = Assert.IsType<RespArray>(sentinel.Replies[5]);
        Assert.Equal([RespValue.Ok, RespValue.Ok, RespValue.Integer(1), RespValue.Integer(0)], exec.Items);
        Assert.True(replica.IsMaster);
        Assert.Null(replica.ConfiguredUpstream);
        Assert.Single(bystander.Closed);
        Assert.Empty(sentinel.Closed);
    }

    [Fact]
    public void ASlaveofQueuedWhileLoadingAbortsTheTransaction()
    {
        var world = GroupOfThree();
        var replica = world.Redis[2];
        replica.Crash();
        replica.Restart(withData: true, loadingMs: 5000);
        var sentinel = new RecordingClient();
        var connection = Connect(world, replica, sentinel);
        foreach (var command in new[] { "PING", "MULTI", "SLAVEOF NO ONE", "EXEC" }) connection.Send(command.Split(' '));
        world.Queue.RunUntil(world.NowMs + 500);

        Assert.Equal(new RespError("LOADING Redis is loading the dataset in memory"), sentinel.Replies[0]);
        Assert.Equal(new RespError("LOADING Redis is loading the dataset in memory"), sentinel.Replies[2]);
        Assert.Equal(new RespError("EXECABORT Transaction discarded because of previous errors."), sentinel.Replies[3]);
        Assert.False(replica.IsMaster);
    }

    [Fact]
    public void MinReplicasToWriteRefusesWritesOnceTheReplicasAreCutOff()
    {
        var world = GroupOfThree(minReplicasToWrite: 1);
        var master = world.Redis[0];
        var client = new RecordingClient();
        var connection = Connect(world, master, client);
        world.Queue.RunUntil(1000);
        connection.Send(["SET", "w:1", "v"]);
        world.Queue.RunUntil(world.NowMs + 100);
        foreach (var replica in world.Redis.Skip(1))
        {
            world.Network.Block(replica.HostId, master.HostId);
            world.Network.Block(master.HostId, replica.HostId);
        }
        world.Queue.RunUntil(world.NowMs + 1000);
        connection.Send(["SET", "w:2", "v"]);
        world.Queue.RunUntil(world.NowMs + 3000);
        connection.Send(["SET", "w:3", "v"]);
        world.Queue.RunUntil(world.NowMs + 100);

        Assert.Equal([RespValue.Ok, RespValue.Ok, new RespError("NOREPLICAS Not enough good replicas to write.")], client.Replies);
    }

    [Fact]
    public void AMasterRestartedWithoutDataDragsItsReplicasIntoAFullResyncToNothing()
    {
        var world = GroupOfThree();
        var master = world.Redis[0];
        var client = new RecordingClient();
        var connection = Connect(world, master, client);
        for (int i = 1; i <= 5; i++) connection.Send(["SET", $"w:{i}", "v"]);
        world.Queue.RunUntil(world.NowMs + 1000);
        Assert.Equal(5, world.Redis[1].Log.Count);

        master.Crash();
        world.Queue.RunUntil(world.NowMs + 2000);
        Assert.Equal(ReplicationLinkState.Down, world.Redis[1].LinkState);
        master.Restart(withData: false, loadingMs: 100);
        world.Queue.RunUntil(world.NowMs + 5000);

        Assert.Empty(world.Redis[1].Log);
        Assert.Equal(ReplicationLinkState.Up, world.Redis[1].LinkState);
    }

    [Fact]
    public void AFrozenNodeAnswersNothingUntilItWakesThenEverythingInOrder()
    {
        var world = GroupOfThree();
        var node = world.Redis[1];
        var client = new RecordingClient();
        var connection = Connect(world, node, client);
        node.Freeze(3000);
        connection.Send(["PING"]);
        connection.Send(["INFO"]);
        world.Queue.RunUntil(world.NowMs + 2900);
        Assert.Empty(client.Replies);

        world.Queue.RunUntil(world.NowMs + 200);
        Assert.Equal(new RespSimpleString("PONG"), client.Replies[0]);
        Assert.IsType<RespBulkString>(client.Replies[1]);
    }

    [Fact]
    public void PublishReachesEverySubscriberOfTheChannel()
    {
        var world = GroupOfThree();
        var node = world.Redis[0];
        var publisher = new RecordingClient();
        var subscriber = new RecordingClient();
        var publishing = Connect(world, node, publisher);
        var subscribing = Connect(world, node, subscriber);
        subscribing.Send(["SUBSCRIBE", "news"]);
        world.Queue.RunUntil(world.NowMs + 100);
        publishing.Send(["PUBLISH", "news", "hello"]);
        world.Queue.RunUntil(world.NowMs + 100);

        Assert.Equal(RespValue.Integer(1), publisher.Replies.Single());
        Assert.Equal(
            [
                RespValue.Array(RespValue.Bulk("subscribe"), RespValue.Bulk("news"), RespValue.Integer(1)),
                RespValue.Array(RespValue.Bulk("message"), RespValue.Bulk("news"), RespValue.Bulk("hello")),
            ],
            subscriber.Replies);
    }

    [Fact]
    public void WaitBlocksTheClientUntilReplicasAcknowledgeAndKeepsItsRepliesInOrder()
    {
        var world = GroupOfThree();
        var master = world.Redis[0];
        var client = new RecordingClient();
        var connection = Connect(world, master, client);
        world.Network.Block(master.HostId, world.Redis[2].HostId);
        connection.Send(["SET", "w:1", "v"]);
        connection.Send(["WAIT", "2", "1500"]);
        connection.Send(["PING"]);
        world.Queue.RunUntil(world.NowMs + 1000);
        Assert.Single(client.Replies);

        world.Network.Unblock(master.HostId, world.Redis[2].HostId);
        world.Queue.RunUntil(world.NowMs + 1000);
        Assert.Equal([RespValue.Ok, RespValue.Integer(2), new RespSimpleString("PONG")], client.Replies);
    }
}
