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
        var log = new ProxyLog(Console.Error);
        await using (log.ConfigureAwait(false))
        {
            return await new ProxyHost(options, log).RunAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
