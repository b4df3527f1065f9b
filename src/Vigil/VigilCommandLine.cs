using Vigil.Demo;
using Vigil.Http;
using Vigil.Migration;
using Vigil.Proxy;
using Vigil.Sentinel.Config;
using Vigil.Server;
using Vigil.Server.Supervision;

namespace Vigil;

/// <summary>
/// The <c>vigil</c> program's verbs. Without a verb it behaves like <c>redis-sentinel</c>:
/// <c>vigil /path/sentinel.conf [--sentinel] [--port N] [--directive value ...]</c>.
/// </summary>
public static class VigilCommandLine
{
    private const string Usage = """
        Usage: vigil [--config-rewrite] [--compat 7.0|7.4] /path/to/sentinel.conf [--sentinel] [--port N] [--http ADDR:PORT] [--<directive> <value> ...]
               vigil check-config /path/to/sentinel.conf [--<directive> <value> ...]
               vigil demo [--fault sleep|kill|switchover] [--down-after MS] [--sleep SECONDS] [--keep-dir] [--keep-open]
               vigil migrate --source HOST:PORT --target HOST:PORT [...]   (vigil migrate --help)
               vigil migrate verify --source HOST:PORT --target HOST:PORT [--sample N]
               vigil proxy --listen ADDR:PORT --sentinel HOST:PORT [--sentinel ...] --master-name NAME [...]
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
               --compat 7.0|7.4   the redis-sentinel release to present where two cannot both
                                  be matched (default 7.0): 7.4 adds CLIENT SETINFO (73
                                  command names instead of 72) and reports redis_version
                                  7.4.1 in INFO and HELLO.

        After the config path, like redis-sentinel, any directive as --<directive> <value>; and:
               --http ADDR:PORT   serve metrics (/metrics, Prometheus), a dashboard (/) and its data
                                  over HTTP, read-only; same as the directive vigil-http ADDR:PORT.
                                  ADDR: an IP address or localhost; a bare PORT means 127.0.0.1.
                                  With the directive vigil-http-token-file PATH, every request needs
                                  "Authorization: Bearer <first line of PATH>" (or ?access_token=).

        Examples:
               vigil /etc/redis/sentinel.conf
               vigil sentinel.conf --port 26380
               vigil sentinel.conf --http 127.0.0.1:9479
               vigil --config-rewrite /etc/redis/sentinel.conf
               vigil check-config sentinel.conf
               vigil demo --fault kill     (a local failover, end to end; vigil demo --help)
               vigil proxy --listen 127.0.0.1:6380 --sentinel 10.0.0.1:26379 --master-name mymaster
                                           (one stable address for clients without Sentinel support;
                                            vigil proxy --help)

        See vigil(1).
        """;


    /// <summary>The option that selects the reference's rewritten-config mode.</summary>
    public const string ConfigRewriteOption = "--config-rewrite";

    /// <summary>The option that selects the redis-sentinel release presented to clients.</summary>
    public const string CompatOption = "--compat";

    public static async Task<int> RunAsync(string[] args)
    {
        string[] programArgs = args;
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
            case "proxy":
                return await ProxyCommand.RunAsync(args[1..]).ConfigureAwait(false);
        }
        bool rewriteConfig = false;
        var compatibility = RedisCompatibility.Redis70;
        while (args.Length > 0)
        {
            if (args[0] == ConfigRewriteOption)
            {
                rewriteConfig = true;
                args = args[1..];
            }
            else if (args[0] == CompatOption)
            {
                if (args.Length < 2 || RedisCompatibility.Parse(args[1]) is not { } chosen)
                {
                    Console.Error.WriteLine($"{CompatOption} takes 7.0 or 7.4.");
                    return 1;
                }
                compatibility = chosen;
                args = args[2..];
            }
            else
            {
                break;
            }
        }
        if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
        {
            Console.Error.WriteLine("Sentinel needs config file on disk to save state. Exiting...");
            return 1;
        }
        var configPath = Path.GetFullPath(args[0]);
        var config = Load(configPath, HttpOption(args[1..]));
        if (config is null) return 1;
        // As the reference: supervision wins over daemonize; a daemon always has a pidfile.
        if (config.Server.Daemonize && !Supervisor.WillSupervise(config.Server.Supervised))
        {
            if (!Daemon.IsDetachedChild)
            {
                Daemon.StartDetachedCopy(programArgs);
                return 0;
            }
            Daemon.Detach();
            config = config with { Server = config.Server with { PidFile = config.Server.PidFile ?? Daemon.DefaultPidFile } };
        }
        // Like Redis, relative paths after `dir` (logfile, pidfile) are taken from that directory.
        if (config.Server.Dir != ".") Directory.SetCurrentDirectory(config.Server.Dir);
        await using var endpoint = config.Server.HttpEndpoint is { } address
            ? new HttpEndpoint(address, config.Server.HttpTokenFile, config.Server.Port)
            : null;
        var host = new SentinelHost(config, configPath) { RewriteConfig = rewriteConfig, Compatibility = compatibility, Observer = endpoint };
        await using (host.ConfigureAwait(false))
        {
            return await host.RunAsync(message => Console.Error.WriteLine(message)).ConfigureAwait(false);
        }
    }

    /// <summary><c>--http ADDR:PORT</c> is short for the <c>vigil-http</c> directive (<c>--vigil-http</c>).</summary>
    internal static string[] HttpOption(string[] overrides) =>
        [.. overrides.Select(arg => arg.Equals("--http", StringComparison.OrdinalIgnoreCase) ? "--vigil-http" : arg)];

    private static int CheckConfig(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("check-config needs the path of a config file.");
            return 1;
        }
        var config = Load(args[0], HttpOption(args[1..]));
        if (config is null) return 1;
        // The certificates and keys are read as at start, so a file that would stop the sentinel stops this too.
        try
        {
            Vigil.Tls.TlsContext.Load(config.Server.Tls);
        }
        catch (Vigil.Tls.TlsConfigurationException ex)
        {
            Console.Error.WriteLine($"Failed to configure TLS: {ex.Message}");
            return 1;
        }
        // The users too (user lines, or the ACL file with its lines), as at start, where a relative path is taken from `dir`.
        var users = config.Server.AclFile is { } aclFile && !Path.IsPathRooted(aclFile)
            ? config.Server with { AclFile = Path.Combine(config.Server.Dir, aclFile) }
            : config.Server;
        try
        {
            _ = new Vigil.Server.Security.AclStore(users);
        }
        catch (Vigil.Server.Security.AclStartupException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 1;
        }
        foreach (string line in config.NoEffectLines) Console.WriteLine($"{line}: no effect in sentinel mode");
        foreach (string line in config.RuntimeTuningLines) Console.WriteLine($"{line}: tunes redis-server's own runtime; Vigil's .NET runtime does this itself");
        var warnings = Vigil.Sentinel.Layout.LayoutAdvice.FromConfig(config);
        string counted = warnings.Count == 0 ? "" : $", {warnings.Count} warning{(warnings.Count == 1 ? "" : "s")}";
        Console.WriteLine($"{Path.GetFullPath(args[0])}: OK ({config.Masters.Count} master{(config.Masters.Count == 1 ? "" : "s")}, port {config.Server.Port}{counted})");
        // Warnings do not fail the check: the file is valid, the layout it describes is risky.
        foreach (var warning in warnings) Console.WriteLine($"warning: master '{warning.MasterName}': {warning.Text}");
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
