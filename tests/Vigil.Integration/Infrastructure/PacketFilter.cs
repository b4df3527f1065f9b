using System.Diagnostics;
using System.Globalization;

namespace Vigil.Integration.Infrastructure;

/// <summary>
/// Network partitions between loopback addresses with nftables: one table of this test process's own
/// (<c>inet vigil_test_&lt;pid&gt;</c>) whose input chain drops the cut traffic in both directions, so both sides
/// see silence, as on a real network, not refused connections. Healing deletes the table; so does disposing,
/// and so does the process exiting, so no rule outlives the test run.
/// </summary>
public sealed class PacketFilter : IDisposable
{
    private static readonly string Table = $"vigil_test_{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}";

    static PacketFilter()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Delete();
    }

    /// <summary>Why partition tests cannot run here (not root), or null.</summary>
    public static string? Unavailable() =>
        Environment.UserName == "root" ? null : "partition tests need root (nftables rules); run them as root, as CI does";

    /// <summary>Drops every packet between <paramref name="address"/> and each of <paramref name="others"/>.</summary>
    public void CutOff(string address, IEnumerable<string> others)
    {
        string set = string.Join(", ", others);
        Apply($"ip saddr {address} ip daddr {{ {set} }} drop", $"ip saddr {{ {set} }} ip daddr {address} drop");
    }

    /// <summary>
    /// Cuts only the process listening on <paramref name="port"/> at <paramref name="address"/> (and its outgoing
    /// connections to <paramref name="remotePorts"/>) from <paramref name="others"/>: what else runs on that
    /// address keeps talking.
    /// </summary>
    public void CutOffPort(string address, int port, IReadOnlyCollection<int> remotePorts, IEnumerable<string> others)
    {
        string set = string.Join(", ", others);
        string remote = string.Join(", ", remotePorts.Select(p => p.ToString(CultureInfo.InvariantCulture)));
        string own = port.ToString(CultureInfo.InvariantCulture);
        Apply(
            $"ip saddr {address} ip daddr {{ {set} }} tcp dport {{ {remote} }} drop",
            $"ip saddr {{ {set} }} ip daddr {address} tcp sport {{ {remote} }} drop",
            $"ip saddr {address} ip daddr {{ {set} }} tcp sport {own} drop",
            $"ip saddr {{ {set} }} ip daddr {address} tcp dport {own} drop");
    }

    /// <summary>Removes every rule (the whole table).</summary>
    public void Heal() => Delete();

    public void Dispose() => Delete();

    private static void Apply(params string[] rules)
    {
        Delete();
        string script = $"table inet {Table} {{\n chain input {{\n  type filter hook input priority -10; policy accept;\n  "
            + string.Join("\n  ", rules) + "\n }\n}\n";
        var (code, error) = Run(["-f", "-"], script);
        if (code != 0) throw new InvalidOperationException($"nft refused the partition rules ({code}): {error}");
    }

    private static void Delete() => Run(["delete", "table", "inet", Table], null);

    private static (int Code, string Error) Run(string[] args, string? input)
    {
        var info = new ProcessStartInfo(File.Exists("/usr/sbin/nft") ? "/usr/sbin/nft" : "nft") { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start nft");
        if (input is not null) process.StandardInput.Write(input);
        process.StandardInput.Close();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error);
    }
}
