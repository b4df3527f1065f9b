using Vigil.Sentinel.State;

namespace Vigil.Server.State;

/// <summary>Where the core's state is saved: the JSON state file (<see cref="StateStore"/>) or, in the
/// compatibility mode, sentinel.conf itself (<see cref="ConfigRewriteStore"/>).</summary>
public interface IStateStore
{
    /// <summary>Replaces what is saved with <paramref name="state"/>; false (after logging why) when it could not.</summary>
    bool Save(SentinelState state);
}
