using System.Buffers;
using System.Text;
using Vigil.Resp;
using Vigil.Server.Clients;

namespace Vigil.Server.Commands;

/// <summary>
/// What a command handler gets: the calling session, its arguments and the server. A struct: one per command, and
/// the commands clients send most (PING, GET-MASTER-ADDR-BY-NAME) are answered without allocating.
/// </summary>
public readonly struct CommandContext(ClientSession session, IReadOnlyList<byte[]> args, CommandSpec spec, ServerContext server)
{
    public ClientSession Session { get; } = session;
    public IReadOnlyList<byte[]> Args { get; } = args;
    public CommandSpec Spec { get; } = spec;
    public ServerContext Server { get; } = server;

    public int Count => Args.Count;
    public string Arg(int index) => Encoding.UTF8.GetString(Args[index]);
    public string ArgLower(int index) => Arg(index).ToLowerInvariant();

    public void Reply(RespValue value) => Session.Output.Write(value);
    public void Reply(EncodedReply reply) => Session.Output.Write(reply, static (output, encoded, protocol) => output.Write(encoded.For(protocol)));
    public void ReplyOk() => Session.Output.Write(RespValue.Ok);
    public void ReplyError(string text) => Session.Output.Write(new RespError(text));
    public void ReplySyntaxError() => ReplyError("ERR syntax error");
}
