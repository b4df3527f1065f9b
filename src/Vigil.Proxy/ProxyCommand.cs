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
        // Every socket continuation of the proxy is a receive followed by a send (or a short, lock-free step), so it
        // may run on the socket engine's own thread instead of hopping to the thread pool once per read: on the
        // pipelined benchmark it took throughput from about 0.6 of HAProxy's to on par (bench/README.md). Read by the runtime when the first
        // asynchronous socket is registered, which has not happened yet in this process.
        Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        var log = new ProxyLog(Console.Error);
        await using (log.ConfigureAwait(false))
        {
            return await new ProxyHost(options, log).RunAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
