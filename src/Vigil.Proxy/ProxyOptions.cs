using System.Globalization;
using Vigil.Sentinel.Config;

namespace Vigil.Proxy;

/// <summary>What <c>vigil proxy</c> was told on its command line.</summary>
public sealed record ProxyOptions
{
    public required HostPort Listen { get; init; }
    public required IReadOnlyList<HostPort> Sentinels { get; init; }
    public required string MasterName { get; init; }
    public HostPort? ReplicasListen { get; init; }

    /// <summary>Credentials for the proxy's own connections (sentinels, role checks); clients send their own AUTH.</summary>
    public string? User { get; init; }
    public string? Password { get; init; }

    /// <summary>Where the metrics endpoint listens (<c>--http</c>); null: no endpoint.</summary>
    public HttpEndpointAddress? Http { get; init; }

    /// <summary>A file whose first line is the bearer token the metrics endpoint requires (<c>--http-token-file</c>).</summary>
    public string? HttpTokenFile { get; init; }

    /// <summary>With <c>--tls</c>: the proxy's own connections speak TLS, as a sentinel's links do with <c>tls-replication yes</c>.</summary>
    public TlsOptions? Tls { get; init; }

    /// <summary>How long a new connection waits for a confirmed master before it is refused.</summary>
    public int FailoverWaitMs { get; init; } = 5000;

    /// <summary>How often the proxy asks the master it forwards to for its role.</summary>
    public int RoleCheckMs { get; init; } = 200;

    /// <summary>How long a client may leave its replies unread (the proxy's send to it stalled) before it is dropped.</summary>
    public int ClientStallMs { get; init; } = 10_000;

    /// <summary>How many threads forward bytes (<c>--io-threads</c>); by default one per CPU, like HAProxy's nbthread.</summary>
    public int IoThreads { get; init; } = Environment.ProcessorCount;

    public const string Usage = """
        Usage: vigil proxy --listen ADDR:PORT --sentinel HOST:PORT [--sentinel HOST:PORT ...] --master-name NAME
                           [--replicas-listen ADDR:PORT] [--user USER] [--pass PASSWORD]
                           [--failover-wait-ms MS] [--role-check-ms MS] [--client-stall-ms MS] [--io-threads N]
                           [--http ADDR:PORT [--http-token-file FILE]]
                           [--tls --tls-cert-file FILE --tls-key-file FILE (--tls-ca-cert-file FILE | --tls-ca-cert-dir DIR)]

        Forwards Redis connections on one stable address to the master the sentinels name, and closes
        every connection to a master the moment it is replaced (fencing). See docs/proxy.md.

          --listen ADDR:PORT           where clients connect (forwarded to the master)
          --sentinel HOST:PORT         a sentinel to follow; give every sentinel of the group
          --master-name NAME           the master's name in the sentinels' configuration
          --replicas-listen ADDR:PORT  a second port whose connections are spread over healthy replicas
          --user, --pass               credentials for the proxy's own connections to the sentinels and
                                       to the data nodes it checks (clients authenticate themselves)
          --failover-wait-ms MS        how long a new connection waits for a master (default 5000)
          --role-check-ms MS           how often the master's ROLE is checked (default 200)
          --client-stall-ms MS         drop a client that leaves replies unread this long (default 10000)
          --io-threads N               threads that forward bytes, 1 to 64 (default: one per CPU)
          --http ADDR:PORT             serve the proxy's counters at /metrics (Prometheus); PORT alone: 127.0.0.1
          --http-token-file FILE       require the bearer token in FILE's first line from /metrics clients
          --tls                        the proxy's own connections (sentinels, ROLE checks) use TLS, with the
                                       certificate, key and CA below; clients' bytes are forwarded unchanged,
                                       so a client speaks TLS with Redis itself
        """;

    /// <summary>Parses the arguments after <c>proxy</c>; on error returns null and a message naming the argument.</summary>
    public static ProxyOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        HostPort? listen = null, replicasListen = null;
        var sentinels = new List<HostPort>();
        string? masterName = null, user = null, password = null;
        int failoverWaitMs = 5000, roleCheckMs = 200, clientStallMs = 10_000, ioThreads = Environment.ProcessorCount;
        HttpEndpointAddress? http = null;
        string? httpTokenFile = null, certFile = null, keyFile = null, caCertFile = null, caCertDir = null;
        var tls = false;
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name == "--tls")
            {
                tls = true;
                continue;
            }
            if (i + 1 >= args.Count)
            {
                error = name.StartsWith("--", StringComparison.Ordinal) ? $"{name} needs a value" : $"unexpected argument '{name}'";
                return null;
            }
            var value = args[++i];
            switch (name)
            {
                case "--listen":
                    if ((listen = Address(name, value, ref error)) is null) return null;
                    break;
                case "--replicas-listen":
                    if ((replicasListen = Address(name, value, ref error)) is null) return null;
                    break;
                case "--sentinel":
                    if (Address(name, value, ref error) is not { } sentinel) return null;
                    sentinels.Add(sentinel);
                    break;
                case "--master-name":
                    masterName = value;
                    break;
                case "--user":
                    user = value;
                    break;
                case "--pass":
                    password = value;
                    break;
                case "--failover-wait-ms":
                    if (!Milliseconds(name, value, 0, ref failoverWaitMs, ref error)) return null;
                    break;
                case "--role-check-ms":
                    if (!Milliseconds(name, value, 10, ref roleCheckMs, ref error)) return null;
                    break;
                case "--client-stall-ms":
                    if (!Milliseconds(name, value, 100, ref clientStallMs, ref error)) return null;
                    break;
                case "--io-threads":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ioThreads) || ioThreads is < 1 or > 64)
                    {
                        error = $"--io-threads '{value}' is not a number of threads from 1 to 64";
                        return null;
                    }
                    break;
                case "--http":
                    if (!HttpEndpointAddress.TryParse(value, out http, out var httpError))
                    {
                        error = $"--http '{value}': {httpError!.Replace("vigil-http takes", "takes", StringComparison.Ordinal)}";
                        return null;
                    }
                    break;
                case "--http-token-file":
                    httpTokenFile = value;
                    break;
                case "--tls-cert-file":
                    certFile = value;
                    break;
                case "--tls-key-file":
                    keyFile = value;
                    break;
                case "--tls-ca-cert-file":
                    caCertFile = value;
                    break;
                case "--tls-ca-cert-dir":
                    caCertDir = value;
                    break;
                default:
                    error = $"unknown option '{name}'";
                    return null;
            }
        }
        if (listen is null) error = "--listen is required";
        else if (sentinels.Count == 0) error = "at least one --sentinel is required";
        else if (string.IsNullOrEmpty(masterName)) error = "--master-name is required";
        else if (password is null && user is not null) error = "--user needs --pass";
        else if (httpTokenFile is not null && http is null) error = "--http-token-file needs --http";
        else if (!tls && (certFile ?? keyFile ?? caCertFile ?? caCertDir) is not null) error = "the --tls-* files need --tls";
        else if (tls && (certFile is null || keyFile is null)) error = "--tls needs --tls-cert-file and --tls-key-file";
        else if (tls && caCertFile is null && caCertDir is null) error = "--tls needs --tls-ca-cert-file or --tls-ca-cert-dir to check the servers' certificates";
        if (error is not null) return null;
        return new ProxyOptions
        {
            Listen = listen!.Value,
            Sentinels = sentinels,
            MasterName = masterName!,
            ReplicasListen = replicasListen,
            User = user,
            Password = password,
            FailoverWaitMs = failoverWaitMs,
            RoleCheckMs = roleCheckMs,
            ClientStallMs = clientStallMs,
            IoThreads = ioThreads,
            Http = http,
            HttpTokenFile = httpTokenFile,
            Tls = tls ? new TlsOptions { TlsReplication = true, CertFile = certFile, KeyFile = keyFile, CaCertFile = caCertFile, CaCertDir = caCertDir } : null,
        };
    }

    private static HostPort? Address(string name, string value, ref string? error)
    {
        var parsed = HostPort.TryParse(value);
        if (parsed is null) error = $"{name} '{value}' is not HOST:PORT";
        return parsed;
    }

    private static bool Milliseconds(string name, string value, int minimum, ref int target, ref string? error)
    {
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed >= minimum)
        {
            target = parsed;
            return true;
        }
        error = $"{name} '{value}' is not a number of milliseconds >= {minimum}";
        return false;
    }
}
