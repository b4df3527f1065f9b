using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using Vigil.Resp;

namespace Vigil.Server.Commands;

/// <summary>
/// The core's latest answers to <c>SENTINEL GET-MASTER-ADDR-BY-NAME</c>, the query clients ask most, so that a
/// session can answer a repeat without a round trip to the loop. The session that got an answer stores it with the
/// number of the loop step that computed it (<see cref="Loop.EventLoop.Step"/>), and a session uses it only while the loop is
/// still at that step: any later step (an input, a tick, another command) may have moved a master, so it makes
/// every stored answer stale at once. The core stays the only source of answers; this only avoids asking it
/// again about a state that has not changed.
/// </summary>
public sealed class MasterAddressCache
{
    /// <summary>Most answers kept for one step; past it, answers are not stored (the loop still gives them).</summary>
    public const int MaxEntries = 1024;

    /// <summary>Longest name (in bytes) looked up here; longer ones always go to the loop.</summary>
    public const int MaxNameBytes = 256;

    private Answers _answers = new(-1);

    /// <summary>The answer computed at <paramref name="currentStep"/>, if one was stored and the loop is still there.</summary>
    public bool TryGet(ReadOnlySpan<byte> masterName, long currentStep, [NotNullWhen(true)] out RespValue? answer)
    {
        answer = null;
        var answers = Volatile.Read(ref _answers);
        if (answers.Step != currentStep || masterName.Length > MaxNameBytes) return false;
        // Decoded as the core decodes its arguments, so two spellings the core confuses are confused here too.
        Span<char> chars = stackalloc char[MaxNameBytes];
        var count = Encoding.UTF8.GetChars(masterName, chars);
        return answers.ByName.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars[..count], out answer);
    }

    /// <summary>
    /// Stores <paramref name="answer"/>, computed in <paramref name="step"/>. Sessions store concurrently: a set only
    /// ever holds answers of its own step, so a lost race loses an entry, never mixes steps.
    /// </summary>
    public void Store(string masterName, RespValue answer, long step)
    {
        var answers = _answers;
        if (answers.Step != step)
        {
            answers = new Answers(step);
            Volatile.Write(ref _answers, answers);
        }
        if (answers.ByName.Count < MaxEntries && Encoding.UTF8.GetByteCount(masterName) <= MaxNameBytes)
        {
            answers.ByName[masterName] = answer;
        }
    }

    // Readers and writers on session threads; a new step gets a new set rather than a cleared one.
    private sealed class Answers(long step)
    {
        public long Step { get; } = step;
        public ConcurrentDictionary<string, RespValue> ByName { get; } = new(StringComparer.Ordinal);
    }
}
