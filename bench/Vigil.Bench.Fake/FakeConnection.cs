using System.Buffers;
using System.Net.Sockets;
using System.Text;
using Vigil.Resp;
using Vigil.Server.Net;

namespace Vigil.Bench.Fake;

/// <summary>
/// One client of a fake instance (a sentinel's command or pub/sub link): reads RESP requests and answers
/// the commands a sentinel sends to Redis, enough for monitoring, discovery and failover. A frozen
/// instance reads but answers nothing until thawed, as a Redis in DEBUG SLEEP.
/// </summary>
public sealed class FakeConnection(Socket socket, FakeInstance instance, FakeFleet fleet)
{
    private static readonly byte[] Message = "message"u8.ToArray();
    private readonly SocketOutput _output = new();
    private readonly RequestReader _requests = new();
    private List<IReadOnlyList<byte[]>>? _transaction;
    private int _subscriptions;

    public async Task RunAsync(CancellationToken stopping)
    {
        var pump = _output.RunAsync(new PlainConnection(socket), stopping);
        using var received = new ReceiveBuffer(4096);
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                var count = await socket.ReceiveAsync(received.Free, SocketFlags.None, stopping).ConfigureAwait(false);
                if (count == 0) break;
                received.Received(count);
                var commands = new List<IReadOnlyList<byte[]>>();
                received.Consume(ReadComplete(received.Unconsumed, commands));
                foreach (var args in commands)
                {
                    var awake = instance.Awake;
                    if (!awake.IsCompleted)
                    {
                        _output.Flush();
                        await awake.WaitAsync(stopping).ConfigureAwait(false);
                    }
                    Execute(args);
                }
                _output.Flush();
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            instance.Unsubscribe(this);
            _output.Complete();
            try { await pump.WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false); } catch (TimeoutException) { }
            socket.Dispose();
        }
    }

    private long ReadComplete(ReadOnlySequence<byte> buffer, List<IReadOnlyList<byte[]>> commands)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (_requests.TryRead(ref reader, out var command, out _) == RespReadResult.Complete) commands.Add(command.Args);
        return reader.Consumed;
    }

    /// <summary>A published message for this subscriber (from another connection's thread).</summary>
    public bool Deliver(byte[] channel, byte[] message)
    {
        _output.Write((channel, message), static (writer, state, _) =>
        {
            RespWriter.WriteArrayHeader(writer, 3);
            RespWriter.WriteBulk(writer, Message);
            RespWriter.WriteBulk(writer, state.channel);
            RespWriter.WriteBulk(writer, state.message);
        });
        _output.Flush();
        return true;
    }

    private void Execute(IReadOnlyList<byte[]> args)
    {
        var name = Encoding.ASCII.GetString(args[0]).ToLowerInvariant();
        if (_transaction is not null && name is not ("exec" or "discard" or "multi"))
        {
            _transaction.Add(args);
            _output.Write(new RespSimpleString("QUEUED"));
            return;
        }
        switch (name)
        {
            case "multi":
                _transaction = [];
                _output.Write(RespValue.Ok);
                return;
            case "exec":
                var queued = _transaction ?? [];
                _transaction = null;
                _output.Write((queued, this), static (writer, state, protocol) =>
                {
                    RespWriter.WriteArrayHeader(writer, state.queued.Count);
                    foreach (var command in state.queued) RespWriter.Write(writer, state.Item2.Answer(command), protocol);
                });
                return;
            case "discard":
                _transaction = null;
                _output.Write(RespValue.Ok);
                return;
            default:
                _output.Write(Answer(args));
                return;
        }
    }

    private RespValue Answer(IReadOnlyList<byte[]> args)
    {
        var name = Encoding.ASCII.GetString(args[0]).ToLowerInvariant();
        switch (name)
        {
            case "ping":
                return _subscriptions > 0 ? RespValue.Array(RespValue.Bulk("pong"), RespValue.Bulk("")) : new RespSimpleString("PONG");
            case "info":
                return new RespBulkString(Encoding.ASCII.GetBytes(instance.Info()));
            case "role":
                return Role();
            case "publish" when args.Count == 3:
                return RespValue.Integer(instance.Publish(args[1], args[2]));
            case "subscribe" when args.Count >= 2:
                for (var i = 1; i < args.Count; i++)
                {
                    _subscriptions = instance.Subscribe(this) > 0 ? i : 0;
                    var reply = RespValue.Array(RespValue.Bulk("subscribe"), new RespBulkString(args[i]), RespValue.Integer(i));
                    if (i < args.Count - 1) _output.Write(reply);
                    else return reply;
                }
                return RespValue.Ok;
            case "slaveof" or "replicaof" when args.Count == 3:
                return ReplicaOf(Encoding.ASCII.GetString(args[1]), Encoding.ASCII.GetString(args[2]));
            case "client" when args.Count >= 2 && Encoding.ASCII.GetString(args[1]).Equals("kill", StringComparison.OrdinalIgnoreCase):
                return RespValue.Integer(0);
            case "client" or "config" or "auth" or "select":
                return RespValue.Ok;
            case "script":
                return RespValue.Error("NOTBUSY No scripts in execution right now.");
            default:
                return RespValue.Error($"ERR unknown command '{name}'");
        }
    }

    private RespValue ReplicaOf(string host, string port)
    {
        if (host.Equals("no", StringComparison.OrdinalIgnoreCase) && port.Equals("one", StringComparison.OrdinalIgnoreCase))
        {
            instance.ReplicateFrom(null);
            return RespValue.Ok;
        }
        if (!int.TryParse(port, out var masterPort) || fleet.Find(masterPort) is not { } master || master == instance)
        {
            return RespValue.Error("ERR the fake fleet replicates only from its own instances");
        }
        instance.ReplicateFrom(master);
        return RespValue.Ok;
    }

    private RespValue Role()
    {
        var offset = FakeInstance.Offset;
        if (instance.Master is { } master)
        {
            return RespValue.Array(RespValue.Bulk("slave"), RespValue.Bulk("127.0.0.1"), RespValue.Integer(master.Port),
                RespValue.Bulk("connected"), RespValue.Integer(offset));
        }
        return RespValue.Array(RespValue.Bulk("master"), RespValue.Integer(offset), RespValue.Array());
    }
}
