using System.Runtime.CompilerServices;
using Vigil.Resp;

namespace Vigil.Server.Commands;

/// <summary>
/// Which spec a command name (and a subcommand name under it) resolved to, keyed by the identity of the name arrays.
/// Short arguments arrive as shared arrays (<see cref="ArgumentInterner"/>), so a client repeating a command hands
/// over the very arrays it did last time: comparing two references replaces decoding the name and a lookup that
/// ignores case, which took a tenth of the CPU of answering GET-MASTER-ADDR-BY-NAME. The command table never changes
/// once built, so an entry never goes stale; a slot holds the last pair that hashed to it.
/// </summary>
internal sealed class ResolvedNames
{
    private const int Slots = 256;

    private readonly Entry?[] _slots = new Entry?[Slots];

    public CommandSpec? Find(byte[] name, byte[]? subName)
    {
        var entry = Volatile.Read(ref _slots[Slot(name, subName)]);
        return entry is not null && ReferenceEquals(entry.Name, name) && ReferenceEquals(entry.SubName, subName) ? entry.Spec : null;
    }

    /// <summary>Remembers a resolution of names short enough to be shared arrays (others never arrive twice).</summary>
    public void Store(byte[] name, byte[]? subName, CommandSpec spec)
    {
        if (name.Length > ArgumentInterner.MaxInternedBytes || subName?.Length > ArgumentInterner.MaxInternedBytes) return;
        Volatile.Write(ref _slots[Slot(name, subName)], new Entry(name, subName, spec));
    }

    private static int Slot(byte[] name, byte[]? subName) =>
        (RuntimeHelpers.GetHashCode(name) * 31 + (subName is null ? 0 : RuntimeHelpers.GetHashCode(subName))) & (Slots - 1);

    private sealed record Entry(byte[] Name, byte[]? SubName, CommandSpec Spec);
}
