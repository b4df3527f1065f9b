using Vigil.Sentinel.Observation;

namespace Vigil.Http;

/// <summary>
/// The latest observation of the sentinel, taken on its loop at most once per <see cref="MaxAgeMs"/> however many
/// requests want one: concurrent requests share the one being taken, so HTTP traffic cannot make the loop do more.
/// </summary>
internal sealed class ObservationCache(Func<Task<SentinelObservation>> observe)
{
    public const long MaxAgeMs = 250;

    private readonly Lock _gate = new();
    private Task<SentinelObservation>? _taking;
    private long _takenAt;
    private bool _taken;

    /// <summary>The last observation taken (empty before the first).</summary>
    public SentinelObservation Latest { get; private set; } = SentinelObservation.Empty;

    public Task<SentinelObservation> GetAsync()
    {
        lock (_gate)
        {
            if (_taken && Environment.TickCount64 - _takenAt < MaxAgeMs) return Task.FromResult(Latest);
            if (_taking is { IsCompleted: false } taking) return taking;
            _taking = TakeAsync();
            return _taking;
        }
    }

    private async Task<SentinelObservation> TakeAsync()
    {
        var observation = await observe().ConfigureAwait(false);
        lock (_gate)
        {
            Latest = observation;
            _takenAt = Environment.TickCount64;
            _taken = true;
        }
        return observation;
    }
}
