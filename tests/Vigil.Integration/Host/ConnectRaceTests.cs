using Vigil.Server.Net;

namespace Vigil.Integration.Host;

/// <summary>
/// The racing connect behind every outbound link, driven with scripted attempts: a fresh attempt starts while the
/// earlier ones get no answer, the first to connect wins, the losers are dropped, and at most
/// <see cref="ConnectRace.MaxRunning"/> run at once.
/// </summary>
public sealed class ConnectRaceTests
{
    private static readonly TimeSpan Restart = TimeSpan.FromMilliseconds(20);

    /// <summary>Scripted attempts; with <paramref name="honourCancel"/> false they ignore their cancellation, as a connect racing its cancel can.</summary>
    private sealed class Attempts(bool honourCancel = true)
    {
        public List<(TaskCompletionSource<string> Result, CancellationToken Token)> Started { get; } = [];

        public Task<string> Start(CancellationToken token)
        {
            var result = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (honourCancel) token.Register(() => result.TrySetCanceled(token));
            lock (Started) Started.Add((result, token));
            return result.Task;
        }

        public int Count { get { lock (Started) return Started.Count; } }

        public (TaskCompletionSource<string> Result, CancellationToken Token) this[int i] { get { lock (Started) return Started[i]; } }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within 10 s");
            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task ALaterAttemptWinsWhileTheFirstGetsNoAnswerAndTheOthersAreDropped()
    {
        var attempts = new Attempts();
        var race = ConnectRace.RunAsync(attempts.Start, _ => { }, Restart, TimeSpan.FromSeconds(30), CancellationToken.None);
        await WaitForAsync(() => attempts.Count >= 3);
        attempts[2].Result.SetResult("third");

        Assert.Equal("third", await race.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(attempts[0].Token.IsCancellationRequested, "the first attempt is cancelled once another won");
        Assert.True(attempts[1].Token.IsCancellationRequested);
        Assert.False(attempts[2].Token.IsCancellationRequested);
    }

    [Fact]
    public async Task AtMostMaxRunningAttemptsRunAndTheFirstIsKept()
    {
        var attempts = new Attempts();
        var race = ConnectRace.RunAsync(attempts.Start, _ => { }, Restart, TimeSpan.FromSeconds(30), CancellationToken.None);
        await WaitForAsync(() => attempts.Count >= ConnectRace.MaxRunning + 3);

        int running = Enumerable.Range(0, attempts.Count).Count(i => !attempts[i].Token.IsCancellationRequested);
        Assert.InRange(running, 1, ConnectRace.MaxRunning);
        Assert.False(attempts[0].Token.IsCancellationRequested, "the first attempt runs on: a slow network still connects");
        Assert.True(attempts[1].Token.IsCancellationRequested, "the oldest of the fresh attempts makes room");

        attempts[0].Result.SetResult("first");
        Assert.Equal("first", await race.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task AnAttemptThatFailsOutrightEndsTheRace()
    {
        var attempts = new Attempts();
        var race = ConnectRace.RunAsync(attempts.Start, _ => { }, Restart, TimeSpan.FromSeconds(30), CancellationToken.None);
        await WaitForAsync(() => attempts.Count >= 2);
        attempts[1].Result.SetException(new IOException("connection refused"));

        var error = await Assert.ThrowsAsync<IOException>(() => race.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("connection refused", error.Message);
        Assert.True(attempts[0].Token.IsCancellationRequested);
    }

    [Fact]
    public async Task NoAnswerWithinTheTimeoutCancelsEveryAttempt()
    {
        var attempts = new Attempts();
        var race = ConnectRace.RunAsync(attempts.Start, _ => { }, Restart, TimeSpan.FromMilliseconds(200), CancellationToken.None);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => race.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(attempts.Count >= 2, "fresh attempts started before the timeout");
        Assert.True(Enumerable.Range(0, attempts.Count).All(i => attempts[i].Token.IsCancellationRequested));
    }

    [Fact]
    public async Task ALoserThatConnectsAfterAllIsDiscarded()
    {
        var attempts = new Attempts(honourCancel: false);
        var discarded = new List<string>();
        var race = ConnectRace.RunAsync(attempts.Start, s => { lock (discarded) discarded.Add(s); }, Restart, TimeSpan.FromSeconds(30), CancellationToken.None);
        await WaitForAsync(() => attempts.Count >= 2);
        attempts[1].Result.SetResult("winner");
        Assert.Equal("winner", await race.WaitAsync(TimeSpan.FromSeconds(10)));

        attempts[0].Result.SetResult("late");
        await WaitForAsync(() => { lock (discarded) return discarded.Contains("late"); });
    }
}
