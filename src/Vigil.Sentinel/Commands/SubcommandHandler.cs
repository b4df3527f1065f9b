using Vigil.Resp;

namespace Vigil.Sentinel.Commands;

/// <summary>One row of the SENTINEL command table: the shared name and arity, and the core's handler.</summary>
internal sealed record SubcommandHandler(SubcommandArity Spec, Func<IReadOnlyList<string>, RespValue> Handler)
{
    public string Name => Spec.Name;

    public bool ArityFits(int argc) => Spec.Fits(argc);
}
