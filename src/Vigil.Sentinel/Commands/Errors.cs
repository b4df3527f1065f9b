using Vigil.Resp;

namespace Vigil.Sentinel.Commands;

/// <summary>Error replies shared by several subcommands, texts as the reference sends them.</summary>
internal static class Errors
{
    public static readonly RespError NoSuchMaster = new("ERR No such master with that name");
    public static readonly RespError NotAnInteger = new("ERR value is not an integer or out of range");

    /// <summary>The reply of a command whose change could not be saved (the change stays in memory).</summary>
    public static readonly RespError SaveFailed = new("ERR Failed to save config file. Check server logs.");

    public static RespError WrongArity(string fullName) => new($"ERR wrong number of arguments for '{fullName}' command");

    /// <summary>The reference quotes at most 128 characters of what was typed.</summary>
    public static RespError UnknownSubcommand(string typed) =>
        new($"ERR unknown subcommand '{(typed.Length > 128 ? typed[..128] : typed)}'. Try SENTINEL HELP.");
}
