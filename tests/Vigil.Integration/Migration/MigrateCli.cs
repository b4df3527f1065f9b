using System.Globalization;
using Vigil.Integration.Infrastructure;

namespace Vigil.Integration.Migration;

/// <summary>Runs <c>vigil migrate</c> as the operator would, and reads what it left behind.</summary>
internal static class MigrateCli
{
    public static string Address(int port) => "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);

    public static string Address(RunningNode node) => Address(node.Port);

    public static Task<Cli.Result> RunAsync(params string[] args) => Cli.VigilAsync(["migrate", .. args], TimeSpan.FromSeconds(120));

    /// <summary>The lines a refusal printed on stderr (it must be exactly one).</summary>
    public static string[] ErrorLines(Cli.Result result) =>
        result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static async Task<string> RoleAsync(RunningNode node)
    {
        var info = await Topology.InfoAsync(node, "replication");
        return info["role"] == "master" ? "master" : $"replica of {info.GetValueOrDefault("master_port")}";
    }

    public static async Task<long> KeysAsync(RunningNode node) =>
        ((Vigil.Resp.RespInteger)await Topology.CallAsync(node, "DBSIZE")).Value;
}
