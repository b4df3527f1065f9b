using Vigil.Demo;
using Vigil.Migration;
using Vigil.Sentinel.Config;
using Vigil.Server;

namespace Vigil;

/// <summary>
/// The <c>vigil</c> program's verbs. Without a verb it behaves like <c>redis-sentinel</c>:
/// <c>vigil /path/sentinel.conf [--sentinel] [--port N] [--directive value ...]</c>.
/// </summary>
public static class VigilCommandLine
{
    private const string Usage = """
        Usage: vigil [--config-rewrite] /path/to/sentinel.conf [--sentinel] [--port N] [--<directive> <value> ...]
               vigil check-config /path/to/sentinel.conf [--<directive> <value> ...]
               vigil demo [--fault sleep|kill|switchover] [--down-after MS] [--sleep SECONDS] [--keep-dir]
               vigil migrate --source HOST:PORT --target HOST:PORT [...]   (vigil migrate --help)
               vigil migrate verify --source HOST:PORT --target HOST:PORT [--sample N]
               vigil --version
               vigil --help

        Runs a Redis Sentinel compatible with redis-sentinel 7.0: the same sentinel.conf, commands,
        replies, events and hello protocol. Learned state (ids, epochs, current masters, known
        replicas and sentinels) is kept in <config>.state.json beside the config file, which Vigil
        never rewrites.

        Options (before the config path):
               --config-rewrite   keep the state in sentinel.conf itself, rewritten the way
                                  redis-sentinel rewrites it (comments and operator lines kept,
                                  sentinel state lines updated in place), for tools that read it
                                  there. No state file is read or written. The config file must
                                  be writable; a failed save makes SENTINEL SET, MONITOR, REMOVE,
                                  CONFIG SET and FLUSHCONFIG answer an error.

        Examples:
               vigil /etc/redis/sentinel.conf
               vigil sentinel.conf --port 26380
               vigil --config-rewrite /etc/redis/sentinel.conf
               vigil check-config sentinel.conf
               vigil demo --fault kill     (a local failover, end to end; vigil demo --help)
        """;

    /// <summary>The option that selects the reference's rewritten-config mode.</summary>
    public const string ConfigRewriteOption = "--config-rewrite";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("Sentinel needs config file on disk to save state. Exiting...");
            return 1;
        }
        switch (args[0])
        {
            case "--version" or "-v" or "version":
                Console.WriteLine($"Vigil v={VersionInfo.Version} redis-sentinel-compatible={VersionInfo.RedisCompatibleVersion}");
                return 0;
            case "--help" or "-h" or "help":
                Console.WriteLine(Usage);
                return 0;
            case "check-config":
                return CheckConfig(args[1..]);
            case "demo":
                return await DemoCommand.RunAsync(args[1..]).ConfigureAwait(false);
            case "migrate":
                return await MigrateCommand.RunAsync(args[1..]).ConfigureAwait(false);
        }
        bool rewriteConfig = args[0] == ConfigRewriteOption;
        if (rewriteConfig) args = args[1..];
        if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
        {
            Console.Error.WriteLine("Sentinel needs config file on disk to save state. Exiting...");
            return 1;
        }
        var configPath = Path.GetFullPath(args[0]);
        var config = Load(configPath, args[1..]);
        if (config is null) return 1;
        // Like Redis, relative paths after `dir` (logfile, pidfile) are taken from that directory.
        if (config.Server.Dir != ".") Directory.SetCurrentDirectory(config.Server.Dir);
        var host = new SentinelHost(config, configPath) { RewriteConfig = rewriteConfig };
        await using (host.ConfigureAwait(false))
        {
            return await host.RunAsync(message => Console.Error.WriteLine(message)).ConfigureAwait(false);
        }
    }

    private static int CheckConfig(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("check-config needs the path of a config file.");
            return 1;
        }
        var config = Load(args[0], args[1..]);
        if (config is null) return 1;
        Console.WriteLine($"{Path.GetFullPath(args[0])}: OK ({config.Masters.Count} master{(config.Masters.Count == 1 ? "" : "s")}, port {config.Server.Port})");
        return 0;
    }

    /// <summary>Reads and parses the file; on error prints the reference-style banner on stderr.</summary>
    private static SentinelConfig? Load(string path, string[] overrides)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Fatal error, can't open config file '{path}': {ex.Message}");
            return null;
        }
        var result = ConfigFileParser.Parse(text, Path.GetFullPath(path), overrides, ReadInclude);
        if (result.Error is { } error)
        {
            Console.Error.WriteLine(error.Format());
            return null;
        }
        return result.Config;
    }

    private static string? ReadInclude(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return null; }
    }
}
