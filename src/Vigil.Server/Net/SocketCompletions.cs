namespace Vigil.Server.Net;

/// <summary>
/// Where this process's socket completions run. By default .NET hands every completion from its epoll thread
/// to the thread pool. A sentinel's work per completion is tiny (parse a command, answer it, send), so that
/// hand-off cost more than the work: in a profile of PING under 50 clients, thread switches and the pool's
/// spinning took about half of Vigil's CPU time (bench/README.md, scenario 3). With inline completions the
/// epoll thread runs the continuation itself, like Redis's single-threaded event loop. Nothing Vigil runs
/// after a socket await blocks: work for the core goes through the loop's channel and its result resumes on
/// the pool.
/// </summary>
/// <remarks>
/// .NET reads the switch from the environment once, when its socket engine starts. <see cref="PreferInline"/>
/// sets it for this process before the first socket operation, and the caller restores the environment once
/// the engine runs, so scripts Vigil starts see the operator's environment unchanged. An operator who sets the
/// variable (to 0 or 1) decides instead.
/// </remarks>
public static class SocketCompletions
{
    public const string InlineVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Asks for inline completions unless the operator chose; dispose to restore the environment.</summary>
    public static IDisposable PreferInline()
    {
        if (Environment.GetEnvironmentVariable(InlineVariable) is not null) return new Restore(false);
        Environment.SetEnvironmentVariable(InlineVariable, "1");
        return new Restore(true);
    }

    private sealed class Restore(bool unset) : IDisposable
    {
        public void Dispose()
        {
            if (unset) Environment.SetEnvironmentVariable(InlineVariable, null);
        }
    }
}
