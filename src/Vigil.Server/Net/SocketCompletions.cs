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
/// With inline completions .NET starts one epoll thread per CPU. One is what a sentinel needs (the reference
/// serves everything from one thread), and each more is a thread to wake and a stack to keep: so
/// <see cref="PreferInline"/> asks for one.
/// <para>.NET reads both switches from the environment once, when its socket engine starts. <see cref="PreferInline"/>
/// sets them for this process before the first socket operation, and the caller restores the environment once
/// the engine runs, so scripts Vigil starts see the operator's environment unchanged. An operator who sets a
/// variable decides instead.</para>
/// </remarks>
public static class SocketCompletions
{
    public const string InlineVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
    public const string ThreadCountVariable = "DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT";

    /// <summary>Asks for inline completions on one thread unless the operator chose; dispose to restore the environment.</summary>
    public static IDisposable PreferInline() => new Preferred(Prefer(InlineVariable, "1"), Prefer(ThreadCountVariable, "1"));

    private static string? Prefer(string variable, string value)
    {
        if (Environment.GetEnvironmentVariable(variable) is not null) return null;
        Environment.SetEnvironmentVariable(variable, value);
        return variable;
    }

    private sealed class Preferred(params string?[] set) : IDisposable
    {
        public void Dispose()
        {
            foreach (var variable in set)
            {
                if (variable is not null) Environment.SetEnvironmentVariable(variable, null);
            }
        }
    }
}
