namespace Vigil.Proxy;

/// <summary>The <c>vigil proxy</c> verb: parses its options and runs the proxy.</summary>
public static class ProxyCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args is ["--help" or "-h"])
        {
            Console.WriteLine(ProxyOptions.Usage);
            return 0;
        }
        var options = ProxyOptions.Parse(args, out var error);
        if (options is null)
        {
            Console.Error.WriteLine($"vigil proxy: {error}");
            Console.Error.WriteLine(ProxyOptions.Usage);
            return 1;
        }
        // The bytes are forwarded by the proxy's own threads; what still runs on .NET's sockets is the control path (the
        // +switch-master subscriptions, ROLE checks, accepting clients). Its continuations are short and never block, so
        // they run on the socket engine's thread instead of waiting for a thread-pool thread: a fence then follows the
        // event without that wait, which on a loaded machine is the difference that matters. Read by the runtime when
        // the first asynchronous socket is registered, which has not happened yet in this process.
        Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        var log = new ProxyLog(Console.Error);
        await using (log.ConfigureAwait(false))
        {
            return await new ProxyHost(options, log).RunAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
