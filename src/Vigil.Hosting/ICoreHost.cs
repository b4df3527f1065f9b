using Vigil.Sentinel;

namespace Vigil.Hosting;

/// <summary>What a host does for the <see cref="CoreDriver"/>: save the state, carry out every other effect, tell the time.</summary>
public interface ICoreHost
{
    /// <summary>The host's monotonic time (ms), stamped on the <see cref="StateSaved"/> inputs the driver feeds.</summary>
    long NowMs { get; }

    /// <summary>
    /// Writes (or schedules) one save. True or false: written or failed now, and the driver confirms it; null: the
    /// host confirms it later with <see cref="CoreDriver.Saved"/> (a deferred or slow write).
    /// </summary>
    bool? Save(PersistState save);

    /// <summary>Carries out any other effect (links, events, logs, replies, scripts, exit).</summary>
    void Carry(Effect effect);
}
