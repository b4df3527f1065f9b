using Vigil.Sentinel.Config;
using Vigil.Sentinel.Links;
using Vigil.Sentinel.Monitoring;
using Vigil.Sentinel.State;

namespace Vigil.Sentinel;

/// <summary>
/// The core's whole mutable state and the effect queue, shared by the components that work on it. Only the event
/// loop touches it, one input at a time, so nothing here is synchronised.
/// </summary>
internal sealed class SentinelContext
{
    public SentinelContext(SentinelConfig config, CoreOptions options)
    {
        Config = config;
        Options = options;
        Random = new Random(options.RandomSeed);
        NowMs = options.StartNowMs;
        PreviousTickHostMs = options.StartNowMs;
        Wide = new SentinelWideSettings { LogLevel = config.Server.LogLevel };
        Resolver = new AddressResolver(options.ResolveHostname, message => Log(LogLevel.Warning, message));
    }

    public SentinelConfig Config { get; }
    public CoreOptions Options { get; }
    public SentinelTimings Timings { get; } = new();
    public Random Random { get; }
    public AddressResolver Resolver { get; }

    public string MyId { get; set; } = "";

    private long _currentEpoch;

    public long CurrentEpoch
    {
        get => _currentEpoch;
        set
        {
            if (value > _currentEpoch) CurrentEpochRaisedAtMs = NowMs;
            _currentEpoch = value;
        }
    }

    /// <summary>When the current epoch last went up (an election, a vote request, a hello); "long ago" after loading.</summary>
    public long CurrentEpochRaisedAtMs { get; set; } = LongAgoMs;

    public const long LongAgoMs = long.MinValue / 4;

    /// <summary>Sentinel-wide options in force (config plus CONFIG SET).</summary>
    public SentinelWideSettings Wide { get; set; }

    public OrderedDictionary<string, MasterRecord> Masters { get; } = new(StringComparer.Ordinal);

    /// <summary>Config masters removed at run time (kept so they stay removed across restarts).</summary>
    public List<RemovedMaster> RemovedMasters { get; } = [];

    public Dictionary<LinkId, Connection> Connections { get; } = [];
    public int LastLinkId { get; set; }

    public bool Tilt { get; set; }
    public long TiltStartedAtMs { get; set; }
    /// <summary>The host time of the previous tick (TILT compares host times: the host's clock is what may jump).</summary>
    public long PreviousTickHostMs { get; set; }

    /// <summary>False until the first tick: before it <see cref="PreviousTickHostMs"/> is the construction time.</summary>
    public bool HasTicked { get; set; }

    /// <summary>SIMULATE-FAILURE flags: 1 = crash after election, 2 = crash after promotion.</summary>
    public int SimulateFailureFlags { get; set; }

    /// <summary>Time of the input being handled, on the core's clock (see <see cref="AdvanceClock"/>).</summary>
    public long NowMs { get; set; }

    /// <summary>Core clock minus host clock: the sum of the host clock's backward steps.</summary>
    public long ClockOffsetMs { get; private set; }

    /// <summary>
    /// Sets <see cref="NowMs"/> from the host's time. The core's clock never goes back: a backward step of the host's
    /// clock is absorbed into <see cref="ClockOffsetMs"/>. Otherwise every time stored before the step would lie in
    /// the future, so that "PING sent 3 s ago" or "answer 4 s old" stayed true, silencing PING/INFO and keeping
    /// peers' stale down answers fresh for the length of the step. TILT still sees the step (on host times).
    /// </summary>
    public void AdvanceClock(long hostNowMs)
    {
        long now = hostNowMs + ClockOffsetMs;
        if (now < NowMs)
        {
            ClockOffsetMs += NowMs - now;
            now = NowMs;
        }
        NowMs = now;
    }

    /// <summary>A time on the core's clock as the host's clock reads it.</summary>
    public long ToHostMs(long coreMs) => coreMs == long.MaxValue ? coreMs : coreMs - ClockOffsetMs;

    /// <summary>Set by anything the reference would answer with a config rewrite; flushed once per input.</summary>
    public bool PersistRequested { get; set; }

    public Queue<Effect> Effects { get; } = new();

    public bool AnnounceHostnames => Wide.AnnounceHostnames;

    /// <summary>A simulated crash happened: the process is gone as far as anyone can tell, so nothing more comes out.</summary>
    public bool Crashed { get; private set; }

    public void Emit(Effect effect)
    {
        if (!Crashed) Effects.Enqueue(effect);
    }

    /// <summary>
    /// SENTINEL SIMULATE-FAILURE: the state is saved first (like the reference, the promotion is on disk before the
    /// crash), then the process exits with 99 and the core ignores every later input.
    /// </summary>
    public void Crash()
    {
        const string reason = "Sentinel CRASH because of SENTINEL simulate-failure";
        Log(LogLevel.Warning, reason);
        PersistRequested = false;
        Emit(new PersistState(State.StateSnapshot.Take(this)));
        Emit(new Exit(99, reason));
        Crashed = true;
    }

    /// <summary>Logs <paramref name="message"/> if the configured loglevel lets it through.</summary>
    public void Log(LogLevel level, string message)
    {
        if (level >= Wide.LogLevel && level != LogLevel.Nothing) Emit(new Log(level, message));
    }

    public void RequestPersist() => PersistRequested = true;

    /// <summary>
    /// Saves now, for a command whose reply says whether the save worked; false when it did not. Without a
    /// synchronous saver the save is queued as usual and counts as done.
    /// </summary>
    public bool PersistNow()
    {
        if (Options.SaveStateNow is not { } save)
        {
            RequestPersist();
            return true;
        }
        PersistRequested = false;
        return save(StateSnapshot.Take(this));
    }

    public LinkId AllocateLinkId() => new(++LastLinkId);

    /// <summary>40 random lower-case hex characters from the seeded generator.</summary>
    public string NewRunId()
    {
        Span<char> chars = stackalloc char[Limits.RunIdLength];
        const string hex = "0123456789abcdef";
        for (int i = 0; i < chars.Length; i++) chars[i] = hex[Random.Next(16)];
        return new string(chars);
    }

    public IEnumerable<PeerRecord> PeersWithRunId(string runId)
    {
        foreach (var master in Masters.Values)
        {
            if (master.Peers.TryGetValue(runId, out var peer)) yield return peer;
        }
    }
}
