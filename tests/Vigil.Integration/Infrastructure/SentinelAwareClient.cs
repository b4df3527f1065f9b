using StackExchange.Redis;

namespace Vigil.Integration.Infrastructure;

/// <summary>StackExchange.Redis as an application runs it against a sentinel group: it asks the sentinels for the master and follows +switch-master.</summary>
public static class SentinelAwareClient
{
    public static async Task<ConnectionMultiplexer> ConnectAsync(IEnumerable<int> sentinelPorts, TextWriter? log = null)
    {
        var options = new ConfigurationOptions
        {
            ServiceName = Topology.MasterName,
            AbortOnConnectFail = false,
            ConnectTimeout = 2000,
            SyncTimeout = 2000,
            AsyncTimeout = 2000,
            ReconnectRetryPolicy = new LinearRetry(100),
        };
        foreach (var port in sentinelPorts) options.EndPoints.Add("127.0.0.1", port);
        // StackExchange.Redis handles a +switch-master partly with blocking calls on thread-pool threads; with
        // the default minimum (one thread per core) a 2-core machine starves and replies that have arrived
        // time out (its timeout messages then show WORKER Busy above Min). Its documentation's remedy:
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(completionPorts, 32));
        return await ConnectionMultiplexer.ConnectAsync(options, log);
    }
}
