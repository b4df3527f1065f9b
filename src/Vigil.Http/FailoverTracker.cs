using System.Collections.Immutable;

namespace Vigil.Http;

/// <summary>
/// Follows the sentinel's events and assembles each master's failover: from <c>+sdown</c> (the fault becomes
/// visible) through <c>+odown</c>, <c>+elected-leader</c> and <c>+promoted-slave</c> to <c>+failover-end</c> and
/// <c>+switch-master</c> (the leader ends its failover, then switches; a sentinel that did not lead sees only the
/// switch), or an abort. Written by the loop thread only; readers take <see cref="Recent"/>, an
/// immutable list swapped whole.
/// </summary>
internal sealed class FailoverTracker
{
    /// <summary>How many finished failovers the dashboard keeps.</summary>
    public const int Kept = 20;

    private readonly Dictionary<string, FailoverTimeline> _open = new(StringComparer.Ordinal);
    private ImmutableList<FailoverTimeline> _finished = [];
    private long _nextId = 1;

    /// <summary>Told each phase duration as it completes: (phase, seconds).</summary>
    public Action<string, double>? PhaseCompleted { get; init; }

    /// <summary>Told each failover led by this sentinel when it ends: its outcome.</summary>
    public Action<string, string>? LedFailoverFinished { get; init; }

    /// <summary>The open failovers (first) and the last <see cref="Kept"/> finished ones, newest first.</summary>
    public IReadOnlyList<FailoverTimeline> Recent { get; private set; } = [];

    public void OnEvent(string channel, string message, long unixMs)
    {
        var words = message.Split(' ');
        string? masterName = MasterNameOf(channel, words);
        if (masterName is null) return;
        _open.TryGetValue(masterName, out var open);
        switch (channel)
        {
            case "+sdown" when words[0] == "master" && open is null:
                _open[masterName] = new FailoverTimeline(_nextId++, masterName, unixMs, null, null, null, null, null, null, null);
                break;
            case "+odown" when open is { OdownMs: null }:
                _open[masterName] = open with { OdownMs = unixMs };
                Phase("sdown_to_odown", open.SdownMs, unixMs);
                break;
            case "+elected-leader" when open is not null:
                _open[masterName] = open with { ElectedMs = unixMs };
                Phase("odown_to_elected", open.OdownMs, unixMs);
                break;
            case "+promoted-slave" when open is not null:
                _open[masterName] = open with { PromotedMs = unixMs };
                Phase("elected_to_promoted", open.ElectedMs, unixMs);
                break;
            case "+failover-end" when open is not null:
                // The leader ends its failover once the replicas are reconfigured, then switches its own record.
                var ended = open with { EndMs = unixMs };
                Phase("promoted_to_end", open.PromotedMs, unixMs);
                LedFailoverFinished?.Invoke(masterName, "ended");
                if (open.SwitchMasterMs is null) _open[masterName] = ended;
                else Finish(masterName, ended with { Outcome = "ended" });
                break;
            case "+switch-master" when open is not null:
                var switched = open with { SwitchMasterMs = unixMs, NewMaster = words.Length >= 5 ? $"{words[3]}:{words[4]}" : null };
                Phase("fault_to_switch_master", open.SdownMs, unixMs);
                // A sentinel that did not lead learns the new master from the leader's hello: nothing follows.
                if (open.ElectedMs is null || open.EndMs is not null) Finish(masterName, switched with { Outcome = open.EndMs is null ? "switched" : "ended" });
                else _open[masterName] = switched;
                break;
            case "-failover-abort-not-elected" or "-failover-abort-no-good-slave" or "-failover-abort-slave-timeout" or "-failover-abort-switchover-timeout":
                LedFailoverFinished?.Invoke(masterName, channel[1..]);
                // Not elected: another sentinel may still fail the master over, and this one may try again.
                if (open is not null && channel != "-failover-abort-not-elected") Finish(masterName, open with { EndMs = unixMs, Outcome = channel[1..] });
                break;
            case "-sdown" when words[0] == "master" && open is { SwitchMasterMs: null, ElectedMs: null }:
                // The master came back before any failover: a blip, not a failover.
                _open.Remove(masterName);
                break;
            default:
                return;
        }
        Publish();
    }

    private void Phase(string phase, long? fromMs, long toMs)
    {
        if (fromMs is { } from) PhaseCompleted?.Invoke(phase, Math.Max(0, toMs - from) / 1000.0);
    }

    private void Finish(string masterName, FailoverTimeline timeline)
    {
        _open.Remove(masterName);
        _finished = _finished.Insert(0, timeline);
        if (_finished.Count > Kept) _finished = _finished.RemoveAt(_finished.Count - 1);
    }

    private void Publish() => Recent = [.. _open.Values.OrderByDescending(t => t.Id), .. _finished];

    /// <summary>
    /// The master an event is about: <c>master NAME ...</c>, <c>slave|sentinel ... @ NAME ...</c>, or the first word of
    /// <c>+switch-master</c>.
    /// </summary>
    internal static string? MasterNameOf(string channel, string[] words)
    {
        if (channel == "+switch-master") return words.Length > 0 ? words[0] : null;
        if (words.Length >= 2 && words[0] == "master") return words[1];
        int at = Array.IndexOf(words, "@");
        return at >= 0 && at + 1 < words.Length ? words[at + 1] : null;
    }
}
