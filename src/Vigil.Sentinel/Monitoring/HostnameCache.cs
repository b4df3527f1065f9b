namespace Vigil.Sentinel.Monitoring;

/// <summary>
/// What the host answered about hostnames, and the questions still out. The core does no DNS: it asks with a
/// <see cref="ResolveHostname"/> effect and learns the answer from a <see cref="HostnameResolved"/> input.
/// </summary>
/// <remarks>
/// Expiry: an answer is current for <see cref="Limits.HostnameAnswerTtlMs"/>. Whoever needs a current one (a
/// reconnect, a command naming a host) waits for it; everyone else takes the latest answer, however old, and a
/// question goes out when it is older. A failed lookup is an answer too (null), kept and expired alike. At most one
/// question per name is out at a time, asked again after <see cref="Limits.HostnameAskTimeoutMs"/> without answer.
/// A failed lookup does not make the core forget the address it learned before: outside commands the last address
/// found stands in until a lookup succeeds again (the reference, which keeps no answers, would name a record made
/// in that moment after an empty IP, <c>:port</c>).
/// </remarks>
internal sealed class HostnameCache(CoreClock clock, EffectQueue effects)
{
    private readonly Dictionary<string, Answer> _answers = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, long> _askedAtMs = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// No question goes out while set: a visit made only to prove a skipped master had nothing to do
    /// (<see cref="CoreOptions.CheckSkippedVisits"/>) must change nothing, and a question is no rule of a record.
    /// </summary>
    public bool Silent { get; set; }

    /// <summary>Answers the host found before the core started (stamped with the start time).</summary>
    public void Seed(IReadOnlyDictionary<string, string?> answers)
    {
        foreach (var (name, ip) in answers) Store(name, ip);
    }

    /// <summary>
    /// The latest answer for <paramref name="name"/> (null ip: it did not resolve; with
    /// <paramref name="lastFound"/>, the last address found stands in for a failed lookup); false when none came
    /// yet. Asks when there is no current one.
    /// </summary>
    public bool TryLatest(string name, bool lastFound, out string? ip)
    {
        if (_answers.TryGetValue(name, out var answer))
        {
            if (clock.NowMs - answer.AtMs >= Limits.HostnameAnswerTtlMs) Ask(name);
            ip = answer.Ip ?? (lastFound ? answer.LastFoundIp : null);
            return true;
        }
        Ask(name);
        ip = null;
        return false;
    }

    /// <summary>Whether an answer younger than <see cref="Limits.HostnameAnswerTtlMs"/> is known; asks when not.</summary>
    public bool HasCurrent(string name)
    {
        if (_answers.TryGetValue(name, out var answer) && clock.NowMs - answer.AtMs < Limits.HostnameAnswerTtlMs) return true;
        Ask(name);
        return false;
    }

    /// <summary>When the question out for <paramref name="name"/> is to be asked again; null when none is out.</summary>
    public long? AskAgainAtMs(string name) =>
        _askedAtMs.TryGetValue(name, out long at) ? at + Limits.HostnameAskTimeoutMs : null;

    /// <summary>Keeps the host's answer. True when it was the first answer for the name or a different one.</summary>
    public bool OnResolved(HostnameResolved answer)
    {
        _askedAtMs.Remove(answer.Hostname);
        string? ip = answer.Ip is not null && AddressResolver.TryParseIpLiteral(answer.Ip, out var literal) ? literal : null;
        bool changed = !_answers.TryGetValue(answer.Hostname, out var before) || before.Ip != ip;
        Store(answer.Hostname, ip);
        return changed;
    }

    private void Store(string name, string? ip)
    {
        bool known = _answers.TryGetValue(name, out var before);
        if (!known && _answers.Count >= Limits.MaxHostnamesKnown) ForgetOldest();
        _answers[name] = new Answer(ip, clock.NowMs, ip ?? (known ? before.LastFoundIp : null));
    }

    private void ForgetOldest()
    {
        string? oldest = null;
        long oldestAtMs = long.MaxValue;
        foreach (var (name, answer) in _answers)
        {
            if (answer.AtMs < oldestAtMs) (oldest, oldestAtMs) = (name, answer.AtMs);
        }
        if (oldest is not null) _answers.Remove(oldest);
    }

    private void Ask(string name)
    {
        if (Silent) return;
        if (_askedAtMs.TryGetValue(name, out long at) && clock.NowMs - at < Limits.HostnameAskTimeoutMs) return;
        // Names come from peers' hellos and nodes' INFO too: questions out are bounded like the answers kept.
        if (!_askedAtMs.ContainsKey(name) && _askedAtMs.Count >= Limits.MaxHostnamesKnown) return;
        _askedAtMs[name] = clock.NowMs;
        effects.Emit(new ResolveHostname(name));
    }

    private readonly record struct Answer(string? Ip, long AtMs, string? LastFoundIp);
}
