namespace Vigil.Server.Net;

/// <summary>
/// Connects by racing attempts: while no attempt has succeeded, a fresh one starts every <c>restartAfter</c>,
/// until the first succeeds (the others are cancelled and their connections disposed) or the overall timeout
/// passes. At most <see cref="MaxRunning"/> attempts run at once: the first one, and the most recent others.
/// </summary>
/// <remarks>
/// A connection attempt that gets no answer (a partition drops the SYN) is retried by the kernel 1, 3, 7 s after
/// it started: once the network heals, a single attempt can sit for seconds before its next SYN goes out, and the
/// link stays down that long (measured: the old master of a healed partition was demoted 1 to 2 s after the heal,
/// waiting for the majority's links to come back). A fresh attempt sends its SYN at once, so a link comes back
/// within <c>restartAfter</c> of the heal. The first attempt runs on to the timeout so that a network slower than
/// the restarts still connects. An attempt that fails outright (refused, unreachable) ends the race: the answer is
/// in, and the caller's reconnection rules decide what happens next.
/// </remarks>
public static class ConnectRace
{
    /// <summary>Attempts running at once, the first included: bounds the sockets a long partition holds per link.</summary>
    public const int MaxRunning = 4;

    public static async Task<T> RunAsync<T>(
        Func<CancellationToken, Task<T>> attempt, Action<T> discard, TimeSpan restartAfter, TimeSpan timeout, CancellationToken token)
        where T : class
    {
        using var race = CancellationTokenSource.CreateLinkedTokenSource(token);
        race.CancelAfter(timeout);
        var running = new List<(Task<T> Task, CancellationTokenSource Cancel)>();
        try
        {
            while (true)
            {
                if (running.Count == MaxRunning) Drop(running, 1, discard);
                var cancel = CancellationTokenSource.CreateLinkedTokenSource(race.Token);
                running.Add((attempt(cancel.Token), cancel));
                var restart = Task.Delay(restartAfter, race.Token);
                var done = await Task.WhenAny([.. running.Select(r => (Task)r.Task), restart]).ConfigureAwait(false);
                if (done == restart)
                {
                    await restart.ConfigureAwait(false); // throws once the race is over
                    continue;
                }
                int index = running.FindIndex(r => r.Task == done);
                var finished = running[index];
                running.RemoveAt(index);
                finished.Cancel.Dispose();
                return await finished.Task.ConfigureAwait(false); // a failure ends the race
            }
        }
        finally
        {
            race.Cancel();
            while (running.Count > 0) Drop(running, 0, discard);
        }
    }

    private static void Drop<T>(List<(Task<T> Task, CancellationTokenSource Cancel)> running, int index, Action<T> discard)
    {
        var (task, cancel) = running[index];
        running.RemoveAt(index);
        cancel.Cancel();
        _ = DiscardAsync(task, cancel, discard);
    }

    /// <summary>A dropped attempt may still complete after its cancel: its connection is not ours to keep.</summary>
    private static async Task DiscardAsync<T>(Task<T> dropped, CancellationTokenSource cancel, Action<T> discard)
    {
        try
        {
            discard(await dropped.ConfigureAwait(false));
        }
        catch (Exception)
        {
            // It failed or was cancelled: nothing to dispose.
        }
        finally
        {
            cancel.Dispose();
        }
    }
}
