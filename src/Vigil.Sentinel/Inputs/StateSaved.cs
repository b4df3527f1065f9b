namespace Vigil.Sentinel;

/// <summary>
/// The host's answer to the <see cref="PersistState"/> numbered <paramref name="Seq"/>: it is on disk
/// (<paramref name="Ok"/>) or could not be written. It also answers every earlier save (a host may write only the
/// latest). What the core held back until that save (a vote's reply, a request at a new epoch, a command's reply)
/// leaves now; a command whose reply reports the save answers the save error when <paramref name="Ok"/> is false.
/// </summary>
public sealed record StateSaved(long NowMs, long Seq, bool Ok) : Input(NowMs);
