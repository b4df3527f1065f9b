using Vigil.Http.Metrics;
using Vigil.Sentinel.Observation;

namespace Vigil.Http;

/// <summary>
/// The metrics <c>/metrics</c> serves. Names and labels of redis_exporter's sentinel metrics where it has one (so its
/// dashboards and alerts work unchanged); Vigil's own under <c>vigil_</c>. Counters and histograms move on the loop
/// thread as events happen (lock-free updates, <see cref="MetricFamily"/>); gauges are set from the latest observation when
/// a scrape collects them.
/// </summary>
internal sealed class SentinelMetrics
{
    private static readonly double[] PhaseBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 180];
    private static readonly double[] SaveBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
    private static readonly string[] MasterLabels = ["master_name", "master_address"];

    private readonly Func<SentinelObservation> _observation;
    private readonly Lock _refreshing = new();

    // redis_exporter's sentinel metrics.
    private readonly Gauge _masters;
    private readonly Gauge _tilt;
    private readonly Gauge _runningScripts;
    private readonly Gauge _scriptsQueueLength;
    private readonly LabelledGauge _masterStatus;
    private readonly LabelledGauge _masterOkSentinels;
    private readonly LabelledGauge _masterOkSlaves;
    private readonly LabelledGauge _masterSentinels;
    private readonly LabelledGauge _masterSlaves;

    // Vigil's own.
    private readonly Counter _failovers;
    private readonly Histogram _phase;
    private readonly Histogram _faultToSwitch;
    private readonly Counter _events;
    private readonly Counter _sdown;
    private readonly Counter _odown;
    private readonly Counter _tilts;
    private readonly Counter _fences;
    private readonly Counter _peersRefused;
    private readonly LabelledGauge _peers;
    private readonly LabelledGauge _linkRtt;
    private readonly LabelledGauge _replicaLag;
    private readonly Histogram _saveSeconds;
    private readonly Counter _saveFailures;
    private readonly Counter _eventsDropped;
    private readonly Gauge _currentEpoch;

    public SentinelMetrics(Func<SentinelObservation> observation)
    {
        _observation = observation;
        Registry = new MetricRegistry();
        var factory = Registry;
        // No process/runtime collectors: nothing runs between scrapes.
        _masters = factory.Gauge("redis_sentinel_masters", "The number of masters this sentinel is watching");
        _tilt = factory.Gauge("redis_sentinel_tilt", "Sentinel is in TILT mode");
        _runningScripts = factory.Gauge("redis_sentinel_running_scripts", "Number of scripts in execution right now");
        _scriptsQueueLength = factory.Gauge("redis_sentinel_scripts_queue_length", "Queue of pending scripts to execute");
        _masterStatus = new(factory.Gauge("redis_sentinel_master_status", "Master status on Sentinel (1 = ok)", "master_name", "master_address", "master_status"));
        _masterOkSentinels = new(factory.Gauge("redis_sentinel_master_ok_sentinels", "The number of okay sentinels monitoring this master (this one included)", MasterLabels));
        _masterOkSlaves = new(factory.Gauge("redis_sentinel_master_ok_slaves", "The number of okay slaves of the master", MasterLabels));
        _masterSentinels = new(factory.Gauge("redis_sentinel_master_sentinels", "The number of sentinels monitoring this master (this one included)", MasterLabels));
        _masterSlaves = new(factory.Gauge("redis_sentinel_master_slaves", "The number of slaves of the master", MasterLabels));

        _failovers = factory.Counter("vigil_failovers_total", "Failovers this sentinel led, by outcome (ended, failover-abort-...)", "master_name", "outcome");
        _phase = factory.Histogram("vigil_failover_phase_seconds", "Duration of each failover phase as this sentinel saw it", PhaseBuckets, "phase");
        _faultToSwitch = factory.Histogram("vigil_failover_fault_to_switch_master_seconds", "From the master's +sdown to +switch-master on this sentinel", PhaseBuckets);
        _events = factory.Counter("vigil_events_total", "Sentinel events published, by type", "event");
        _sdown = factory.Counter("vigil_sdown_total", "Instances this sentinel saw go subjectively down, by role", "role");
        _odown = factory.Counter("vigil_odown_total", "Masters this sentinel saw go objectively down");
        _tilts = factory.Counter("vigil_tilt_total", "Times this sentinel entered TILT mode");
        _fences = factory.Counter("vigil_fences_total", "Nodes sent back under the current master (+convert-to-slave)", "master_name");
        _peers = new(factory.Gauge("vigil_peers", "Other sentinels known for the master, by admission", "master_name", "admission"));
        _peersRefused = factory.Counter("vigil_peers_refused_total", "Hellos from sentinels that were not admitted (every verified peer is admitted today)");
        _linkRtt = new(factory.Gauge("vigil_link_rtt_seconds", "Round trip of the last answered PING on the link to an instance", "master_name", "role", "address"));
        _replicaLag = new(factory.Gauge("vigil_replica_lag_bytes", "How far the replica's offset is behind its master's", "master_name", "address"));
        _saveSeconds = factory.Histogram("vigil_state_save_seconds", "Duration of each state save (temp file, fsync, rename)", SaveBuckets);
        _saveFailures = factory.Counter("vigil_state_save_failures_total", "State saves that failed");
        _eventsDropped = factory.Counter("vigil_http_events_dropped_total", "Events not delivered to a slow event-stream client");
        _currentEpoch = factory.Gauge("vigil_current_epoch", "This sentinel's current epoch");
        _failovers.Publish();
        Registry.BeforeCollect(Refresh);
    }

    public MetricRegistry Registry { get; }

    /// <summary>Loop thread: counts an event.</summary>
    public void OnEvent(string channel, string message)
    {
        _events.Inc(channel);
        switch (channel)
        {
            case "+sdown":
                int space = message.IndexOf(' ', StringComparison.Ordinal);
                _sdown.Inc(space > 0 ? message[..space] : "unknown");
                break;
            case "+odown": _odown.Inc(); break;
            case "+tilt": _tilts.Inc(); break;
            case "+convert-to-slave":
                var words = message.Split(' ');
                if (FailoverTracker.MasterNameOf(channel, words) is { } name) _fences.Inc(name);
                break;
        }
    }

    public void OnPhase(string phase, double seconds)
    {
        if (phase == "fault_to_switch_master") _faultToSwitch.Observe(seconds);
        else _phase.Observe(seconds, phase);
    }

    public void OnFailoverFinished(string masterName, string outcome) => _failovers.Inc(masterName, outcome);

    public void OnStateSaved(double seconds, bool succeeded)
    {
        _saveSeconds.Observe(seconds);
        if (!succeeded) _saveFailures.Inc();
    }

    public void OnEventDropped() => _eventsDropped.Inc();

    /// <summary>Sets the gauges from the latest observation (on the scraping thread).</summary>
    private void Refresh()
    {
        lock (_refreshing) RefreshGauges();
    }

    private void RefreshGauges()
    {
        var now = _observation();
        _masters.Set(now.Masters.Count);
        _tilt.Set(now.Tilt ? 1 : 0);
        _runningScripts.Set(now.RunningScripts);
        _scriptsQueueLength.Set(now.QueuedScripts);
        _currentEpoch.Set(now.CurrentEpoch);
        LabelledGauge[] all = [_masterStatus, _masterOkSentinels, _masterOkSlaves, _masterSentinels, _masterSlaves, _peers, _linkRtt, _replicaLag];
        foreach (var gauge in all) gauge.BeginRefresh();
        foreach (var master in now.Masters)
        {
            string address = $"{master.Host}:{master.Port}";
            _masterStatus.Set(master.Status == "ok" ? 1 : 0, master.Name, address, master.Status);
            _masterOkSentinels.Set(1 + master.Sentinels.Count(s => !s.Down), master.Name, address);
            _masterOkSlaves.Set(master.Replicas.Count(r => !r.Down), master.Name, address);
            _masterSentinels.Set(1 + master.Sentinels.Count, master.Name, address);
            _masterSlaves.Set(master.Replicas.Count, master.Name, address);
            _peers.Set(master.Sentinels.Count(s => s.Admitted), master.Name, "admitted");
            SetRtt(master.RoundTripMs, master.Name, "master", address);
            foreach (var replica in master.Replicas)
            {
                string replicaAddress = $"{replica.Host}:{replica.Port}";
                SetRtt(replica.RoundTripMs, master.Name, "slave", replicaAddress);
                if (replica.LagBytes is { } lag) _replicaLag.Set(lag, master.Name, replicaAddress);
            }
            foreach (var peer in master.Sentinels) SetRtt(peer.RoundTripMs, master.Name, "sentinel", $"{peer.Host}:{peer.Port}");
        }
        foreach (var gauge in all) gauge.EndRefresh();
    }

    private void SetRtt(long roundTripMs, string masterName, string role, string address)
    {
        if (roundTripMs >= 0) _linkRtt.Set(roundTripMs / 1000.0, masterName, role, address);
    }

    /// <summary>A labelled gauge whose label sets follow the observation: those not set in a refresh are removed.</summary>
    private sealed class LabelledGauge(Gauge gauge)
    {
        private HashSet<string[]> _previous = new(LabelComparer.Instance);
        private HashSet<string[]> _current = new(LabelComparer.Instance);

        public void BeginRefresh() => _current.Clear();

        public void Set(double value, params string[] labels)
        {
            gauge.Set(value, labels);
            _current.Add(labels);
        }

        public void EndRefresh()
        {
            foreach (var labels in _previous)
            {
                if (!_current.Contains(labels)) gauge.Remove(labels);
            }
            (_previous, _current) = (_current, _previous);
        }
    }

    private sealed class LabelComparer : IEqualityComparer<string[]>
    {
        public static LabelComparer Instance { get; } = new();
        public bool Equals(string[]? x, string[]? y) => x is not null && y is not null && x.AsSpan().SequenceEqual(y);
        public int GetHashCode(string[] obj)
        {
            var hash = new HashCode();
            foreach (var s in obj) hash.Add(s, StringComparer.Ordinal);
            return hash.ToHashCode();
        }
    }
}
