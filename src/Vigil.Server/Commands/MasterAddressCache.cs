using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Vigil.Server.Commands;

/// <summary>
/// The core's latest answers to <c>SENTINEL GET-MASTER-ADDR-BY-NAME</c>, the query clients ask most, so that a
/// session can answer a repeat without a round trip to the loop. The session that got an answer stores it with the
/// number of the loop step that computed it (<see cref="Loop.EventLoop.Step"/>), and a session uses it only while the loop is
/// still at that step: any later step (an input, a tick, another command) may have moved a master, so it makes
/// every stored answer stale at once. The core stays the only source of answers; this only avoids asking it
/// again about a state that has not changed.
/// </summary>
/// <remarks>
/// Answers are keyed by the name's bytes as the client sent them and kept encoded: a hit neither decodes the name
/// nor formats the reply. Two spellings the core's decoding confuses (invalid UTF-8) are two entries here, each
/// holding what the core answered for it.
/// </remarks>
public sealed class MasterAddressCache
{
    /// <summary>Most answers kept for one step; past it, answers are not stored (the loop still gives them).</summary>
    public const int MaxEntries = 1024;

    /// <summary>Longest name (in bytes) kept here; longer ones always go to the loop.</summary>
    public const int MaxNameBytes = 256;

    private Answers _answers = new(-1);

    /// <summary>The answer computed at <paramref name="currentStep"/>, if one was stored and the loop is still there.</summary>
    public bool TryGet(ReadOnlySpan<byte> masterName, long currentStep, [NotNullWhen(true)] out EncodedReply? answer)
    {
        answer = null;
        var answers = Volatile.Read(ref _answers);
        return answers.Step == currentStep
            && masterName.Length <= MaxNameBytes
            && answers.ByName.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(masterName, out answer);
    }

    /// <summary>
    /// Stores <paramref name="answer"/>, computed in <paramref name="step"/>. Sessions store concurrently: a set only
    /// ever holds answers of its own step, so a lost race loses an entry, never mixes steps.
    /// </summary>
    public void Store(byte[] masterName, EncodedReply answer, long step)
    {
        var answers = _answers;
        if (answers.Step != step)
        {
            answers = new Answers(step);
            Volatile.Write(ref _answers, answers);
        }
        if (answers.ByName.Count < MaxEntries && masterName.Length <= MaxNameBytes) answers.ByName[masterName] = answer;
    }

    // Readers and writers on session threads; a new step gets a new set rather than a cleared one.
    private sealed class Answers(long step)
    {
        public long Step { get; } = step;
        public ConcurrentDictionary<byte[], EncodedReply> ByName { get; } = new(ByteStringComparer.Instance);
    }
}
