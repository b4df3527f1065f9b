using System.Net;
using System.Net.Sockets;
using System.Text;
using Vigil.Integration.Infrastructure;

namespace Vigil.Integration.Host;

/// <summary>
/// A fake instance (Redis or peer sentinel alike: the same links carry both) answers with a reply no Redis or sentinel
/// ever sends. Vigil must drop the link, saying why, rather than wait to buffer the announced half gigabyte.
/// </summary>
public sealed class OutboundReplyLimitTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("$536870912\r\n", "bulk length 536870912 exceeds")]
    [InlineData("*16000000\r\n", "Multi-bulk length out of range")]
    public async Task AnOversizedReplyClosesTheLinkWithALoggedReason(string header, string reason)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var vigil = await RedisNodes.StartVigilAsync(_dir, [$"sentinel monitor m 127.0.0.1 {port} 2"]);

        using var connection = await listener.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var buffer = new byte[4096];
        Assert.True(await connection.ReceiveAsync(buffer) > 0); // Vigil's first command (its CLIENT SETNAME)
        // The header and the start of what it announces: a client that trusts the header waits for the rest.
        await connection.SendAsync(Encoding.ASCII.GetBytes(header + new string('x', 1000)));

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int received;
        do
        {
            received = await connection.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
        }
        while (received > 0); // what Vigil still sends before it closes (its PING)

        await Wait.UntilAsync(() => vigil.Process.Stdout.Contains($"Closing the link to 127.0.0.1:{port}: ", StringComparison.Ordinal)
            && vigil.Process.Stdout.Contains(reason, StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the reason logged");
        Assert.False(vigil.Process.HasExited);
    }
}
