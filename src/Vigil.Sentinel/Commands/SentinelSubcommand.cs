using Vigil.Resp;

namespace Vigil.Sentinel.Commands;

/// <summary>
/// One row of the SENTINEL command table. <see cref="Arity"/> counts like Redis does, "SENTINEL" and the
/// subcommand included: positive = exactly, negative = at least.
/// </summary>
internal sealed record SentinelSubcommand(string Name, int Arity, Func<IReadOnlyList<string>, RespValue> Handler)
{
    public bool ArityFits(int argc) => Arity >= 0 ? argc == Arity : argc >= -Arity;
}
