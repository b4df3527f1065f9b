using Vigil.Resp;
using Vigil.Simulation.Network;
using Vigil.Simulation.Scheduling;

namespace Vigil.Simulation.Tests;

public sealed class NetworkModelTests
{
    private static (EventQueue Queue, SimNetwork Network) World(NetworkProfile profile, int seed = 1)
    {
        var queue = new EventQueue();
        return (queue, new SimNetwork(queue, new Random(seed), ["a", "b", "c"], profile));
    }

    [Fact]
    public void MessagesOnOneConnectionArriveInOrderDespiteJitterAndSpikes()
    {
        var (queue, network) = World(NetworkProfile.Wan);
        var client = new RecordingClient();
        var server = new EchoServer();
        var connection = network.Connect(0, client, 1, server);
        queue.RunUntil(5000);
        Assert.Equal(1, client.Connected);

        for (int i = 0; i < 2000; i++)
        {
            int n = i;
            queue.At(5000 + i / 4, () => connection.Send([n.ToString(System.Globalization.CultureInfo.InvariantCulture)]));
        }
        queue.RunUntil(60000);

        Assert.Equal(Enumerable.Range(0, 2000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), server.Received);
        Assert.Equal(server.Received, client.Replies.Cast<RespBulkString>().Select(r => r.Text));
    }

    [Fact]
    public void APartitionHoldsTrafficUntilItHealsAndThenDeliversItInOrder()
    {
        var (queue, network) = World(NetworkProfile.Lan);
        var client = new RecordingClient();
        var server = new EchoServer();
        var connection = network.Connect(0, client, 1, server);
        queue.RunUntil(100);

        network.Block(0, 1);
        connection.Send(["first"]);
        connection.Send(["second"]);
        queue.RunUntil(10000);
        Assert.Empty(server.Received);

        network.Unblock(0, 1);
        queue.RunUntil(11000);
        Assert.Equal(["first", "second"], server.Received);
        Assert.Equal(2, client.Replies.Count);
    }

    [Fact]
    public void AOneWayPartitionStillDeliversTheOtherDirection()
    {
        var (queue, network) = World(NetworkProfile.Lan);
        var client = new RecordingClient();
        var server = new EchoServer();
        var connection = network.Connect(0, client, 1, server);
        queue.RunUntil(100);
        connection.Send(["before"]);
        network.Block(1, 0);
        queue.RunUntil(1000);

        Assert.Equal(["before"], server.Received);
        Assert.Empty(client.Replies);
    }

    [Fact]
    public void ConnectingAcrossAPartitionTimesOutAndToADownProcessIsRefused()
    {
        var (queue, network) = World(NetworkProfile.Lan);
        var client = new RecordingClient();
        network.Block(0, 1);
        network.Connect(0, client, 1, new EchoServer());
        network.Connect(0, client, 2, new EchoServer { IsListening = false });
        queue.RunUntil(SimNetwork.ConnectTimeoutMs - 1);
        Assert.Equal(["Connection refused"], client.Failed);

        queue.RunUntil(SimNetwork.ConnectTimeoutMs + 1);
        Assert.Equal(["Connection refused", "Connection timed out"], client.Failed);
        Assert.Equal(0, client.Connected);
    }

    [Fact]
    public void AResetLosesWhatWasInFlightAndTellsBothSides()
    {
        var (queue, network) = World(NetworkProfile.Datacenter);
        var client = new RecordingClient();
        var server = new EchoServer();
        var connection = network.Connect(0, client, 1, server);
        queue.RunUntil(1000);

        connection.Send(["lost"]);
        connection.Reset("Connection reset by peer");
        queue.RunUntil(5000);

        Assert.Empty(server.Received);
        Assert.Equal(["Connection reset by peer"], client.Closed);
        Assert.Equal(1, server.ClientsClosed);
    }

    [Fact]
    public void AServerCloseArrivesAfterTheRepliesWrittenBeforeIt()
    {
        var (queue, network) = World(NetworkProfile.Wan);
        var client = new RecordingClient();
        var server = new EchoServer();
        var connection = network.Connect(0, client, 1, server);
        queue.RunUntil(2000);
        connection.Reply(RespValue.Bulk("last words"));
        connection.CloseByServer("killed");
        queue.RunUntil(10000);

        Assert.Single(client.Replies);
        Assert.Equal(["killed"], client.Closed);
    }
}
