using System.Diagnostics;
using System.Globalization;
using System.Text;
using Vigil.Resp;

namespace Vigil.Server.Commands;

/// <summary>
/// INFO with the reference's sentinel-mode sections, in its order: server, clients, stats, cpu,
/// sentinel. No argument, <c>default</c>, <c>all</c> or <c>everything</c> give all five; an unknown
/// section gives an empty bulk string. Always a bulk string, RESP3 included.
/// </summary>
public static class InfoCommand
{
    private static readonly string[] SectionOrder = ["server", "clients", "stats", "cpu", "sentinel"];

    public static async ValueTask Execute(CommandContext context)
    {
        var wanted = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (context.Count == 1) wanted.UnionWith(SectionOrder);
        for (var i = 1; i < context.Count; i++)
        {
            var section = context.ArgLower(i);
            if (section is "default" or "all" or "everything") wanted.UnionWith(SectionOrder);
            else wanted.Add(section);
        }
        string? sentinelSection = null;
        if (wanted.Contains("sentinel"))
        {
            var section = await context.Server.Loop.ReplyAsync((nowMs, id) => new Vigil.Sentinel.InfoSentinelRequest(nowMs, id)).ConfigureAwait(false);
            sentinelSection = ((RespBulkString)section).Text;
        }
        var text = new StringBuilder();
        foreach (var section in SectionOrder)
        {
            if (!wanted.Contains(section)) continue;
            if (text.Length > 0) text.Append("\r\n");
            switch (section)
            {
                case "server": AppendServer(text, context.Server); break;
                case "clients": AppendClients(text, context.Server); break;
                case "stats": AppendStats(text, context.Server); break;
                case "cpu": AppendCpu(text); break;
                case "sentinel": text.Append(sentinelSection); break;
            }
        }
        context.Reply(RespValue.Bulk(text.ToString()));
    }

    private static void AppendServer(StringBuilder text, ServerContext server)
    {
        var host = server.Host;
        var uptime = DateTime.UtcNow - host.StartedAtUtc;
        var nowUs = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10;
        Line(text, "# Server");
        Line(text, "redis_version:" + server.Compatibility.Version);
        Line(text, "redis_git_sha1:00000000");
        Line(text, "redis_git_dirty:0");
        Line(text, "redis_build_id:0");
        Line(text, "redis_mode:sentinel");
        Line(text, $"vigil_version:{VersionInfo.Version}");
        Line(text, $"os:{Environment.OSVersion.Platform} {Environment.OSVersion.Version} {System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}");
        Line(text, $"arch_bits:{IntPtr.Size * 8}");
        Line(text, "monotonic_clock:POSIX clock_gettime");
        Line(text, "multiplexing_api:epoll");
        Line(text, "atomicvar_api:c11-builtin");
        Line(text, "gcc_version:0.0.0");
        Line(text, $"process_id:{Environment.ProcessId}");
        Line(text, "process_supervised:no");
        Line(text, $"run_id:{host.RunId}");
        Line(text, $"tcp_port:{host.Port}");
        Line(text, $"server_time_usec:{nowUs}");
        Line(text, $"uptime_in_seconds:{(long)uptime.TotalSeconds}");
        Line(text, $"uptime_in_days:{(long)uptime.TotalDays}");
        Line(text, "hz:10");
        Line(text, "configured_hz:10");
        Line(text, $"lru_clock:{(nowUs / 1000000) & ((1 << 24) - 1)}");
        Line(text, $"executable:{host.Executable}");
        Line(text, $"config_file:{host.ConfigFile}");
        Line(text, "io_threads_active:0");
    }

    private static void AppendClients(StringBuilder text, ServerContext server)
    {
        Line(text, "# Clients");
        Line(text, $"connected_clients:{server.Clients.Count}");
        Line(text, "cluster_connections:0");
        Line(text, $"maxclients:{server.Clients.MaxClients}");
        Line(text, "client_recent_max_input_buffer:0");
        Line(text, "client_recent_max_output_buffer:0");
        Line(text, "blocked_clients:0");
        Line(text, "tracking_clients:0");
        Line(text, "clients_in_timeout_table:0");
    }

    private static void AppendStats(StringBuilder text, ServerContext server)
    {
        Line(text, "# Stats");
        Line(text, $"total_connections_received:{server.Clients.TotalConnections}");
        Line(text, $"total_commands_processed:{server.Stats.CommandsProcessed}");
        Line(text, $"rejected_connections:{server.Clients.RejectedConnections}");
        Line(text, $"pubsub_channels:{server.PubSub.ChannelCount}");
        Line(text, $"pubsub_patterns:{server.PubSub.PatternCount}");
        Line(text, $"total_error_replies:{server.Stats.ErrorReplies}");
    }

    private static void AppendCpu(StringBuilder text)
    {
        using var process = Process.GetCurrentProcess();
        Line(text, "# CPU");
        Line(text, $"used_cpu_sys:{process.PrivilegedProcessorTime.TotalSeconds.ToString("F6", CultureInfo.InvariantCulture)}");
        Line(text, $"used_cpu_user:{process.UserProcessorTime.TotalSeconds.ToString("F6", CultureInfo.InvariantCulture)}");
        Line(text, "used_cpu_sys_children:0.000000");
        Line(text, "used_cpu_user_children:0.000000");
    }

    private static void Line(StringBuilder text, string line) => text.Append(line).Append("\r\n");
}
