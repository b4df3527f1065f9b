namespace Vigil.Integration.Infrastructure;

/// <summary>Waits for a condition with a deadline; tests never sleep to synchronise.</summary>
public static class Wait
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition().ConfigureAwait(false)) return;
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
            {
                last = ex;
            }
            await Task.Delay(50).ConfigureAwait(false);
        }
        throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for: {what}" + (last is null ? "" : $" (last error: {last.Message})"));
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what);
}
