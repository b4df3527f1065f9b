using System.Net;
using System.Net.Sockets;
using System.Text;
using Vigil.Resp;

namespace Vigil.Bench.Fake;

/// <summary>
/// Every fake instance, each on its own loopback port, plus a control port that takes
/// <c>FREEZE port</c> and <c>THAW port</c> (to make a master stop answering, like DEBUG SLEEP) and
/// <c>ROLEOF port</c> (the instance's role line, for scripts).
/// </summary>
public sealed class FakeFleet(FleetOptions options)
{
    private readonly Dictionary<int, FakeInstance> _byPort = [];
    private readonly List<(Socket Socket, FakeInstance? Instance)> _listeners = [];

    public FakeInstance? Find(int port) => _byPort.GetValueOrDefault(port);

    public void Bind()
    {
        for (var m = 0; m < options.Masters; m++)
        {
            var master = Add(options.MasterPort(m));
            for (var r = 1; r <= options.Replicas; r++) Add(options.MasterPort(m) + r).ReplicateFrom(master);
        }
        foreach (var instance in _byPort.Values) _listeners.Add((Listen(instance.Port), instance));
        if (options.ControlPort > 0) _listeners.Add((Listen(options.ControlPort), null));
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        var loops = _listeners.Select(l => AcceptLoopAsync(l.Socket, l.Instance, stopping)).ToList();
        try { await Task.Delay(Timeout.Infinite, stopping).ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        foreach (var (socket, _) in _listeners) socket.Dispose();
        foreach (var instance in _byPort.Values) instance.Thaw();
        await Task.WhenAll(loops).ConfigureAwait(false);
    }

    private FakeInstance Add(int port)
    {
        var instance = new FakeInstance(port);
        _byPort[port] = instance;
        return instance;
    }

    private static Socket Listen(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        socket.Listen(128);
        return socket;
    }

    private async Task AcceptLoopAsync(Socket listener, FakeInstance? instance, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try { client = await listener.AcceptAsync(stopping).ConfigureAwait(false); }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException) { return; }
            catch (SocketException) { continue; }
            client.NoDelay = true;
            _ = instance is null ? ControlAsync(client) : new FakeConnection(client, instance, this).RunAsync(stopping);
        }
    }

    // One command per connection: FREEZE <port> | THAW <port> | ROLEOF <port>; replies a simple string.
    private async Task ControlAsync(Socket client)
    {
        using (client)
        {
            var buffer = new byte[512];
            var length = 0;
            while (length < buffer.Length)
            {
                var count = await client.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None).ConfigureAwait(false);
                if (count == 0) break;
                length += count;
                if (Array.IndexOf(buffer, (byte)'\n', 0, length) >= 0) break;
            }
            var reader = new System.Buffers.SequenceReader<byte>(new System.Buffers.ReadOnlySequence<byte>(buffer, 0, length));
            var reply = new RequestReader().TryRead(ref reader, out var command, out _) == RespReadResult.Complete
                ? Control(command.Args)
                : "-ERR expected FREEZE|THAW|ROLEOF <port>";
            await client.SendAsync(Encoding.ASCII.GetBytes(reply + "\r\n"), SocketFlags.None).ConfigureAwait(false);
        }
    }

    private string Control(IReadOnlyList<byte[]> args)
    {
        if (args.Count != 2 || !int.TryParse(Encoding.ASCII.GetString(args[1]), out var port) || Find(port) is not { } instance)
        {
            return "-ERR expected FREEZE|THAW|ROLEOF <port of a fleet instance>";
        }
        switch (Encoding.ASCII.GetString(args[0]).ToUpperInvariant())
        {
            case "FREEZE": instance.Freeze(); return "+OK";
            case "THAW": instance.Thaw(); return "+OK";
            case "ROLEOF": return instance.Master is { } master ? $"+slave-of {master.Port}" : "+master";
            default: return "-ERR expected FREEZE|THAW|ROLEOF <port>";
        }
    }
}
