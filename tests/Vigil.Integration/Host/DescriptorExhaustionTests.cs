using System.Globalization;
using Vigil.Integration.Infrastructure;
using Vigil.Resp;

namespace Vigil.Integration.Host;

/// <summary>
/// Vigil run under a low <c>ulimit -n</c> and given more clients than it has descriptors: accept fails with EMFILE
/// while the connections wait in the kernel's backlog. It must neither spin nor drop the clients it has.
/// </summary>
public sealed class DescriptorExhaustionTests : IDisposable
{
    private const string AcceptError = "Error accepting a client connection";
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task OutOfDescriptorsTheListenerBacksOffKeepsServingAndResumes()
    {
        int port = FreePort.Next();
        string configPath = Path.Combine(_dir.Path, "sentinel.conf");
        File.WriteAllLines(configPath, [$"port {port}", "bind 127.0.0.1"]);
        var (program, args) = RedisNodes.VigilCommand([configPath]);
        using var vigil = new RunningNode(
            ManagedProcess.Start("bash", ["-c", "ulimit -n 192 && exec \"$@\"", "vigil", program, .. args], _dir.Path), port, _dir.Path);
        await vigil.WaitForPingAsync();

        await using var connected = await vigil.ConnectAsync();
        Assert.Equal("PONG", ((RespSimpleString)await connected.CallAsync("PING")).Text);

        // Connect until one connection is not served: the process is out of descriptors.
        var clients = new List<RespTestClient>();
        RespTestClient? waiting = null;
        try
        {
            for (int i = 0; i < 400 && waiting is null; i++)
            {
                var client = await RespTestClient.ConnectAsync(port);
                clients.Add(client);
                await client.SendRawAsync("PING\r\n");
                try
                {
                    await client.ReadAsync(TimeSpan.FromSeconds(1));
                }
                catch (OperationCanceledException)
                {
                    waiting = client;
                }
                catch (IOException ex)
                {
                    throw new InvalidOperationException($"client {i} dropped ({ex.Message}); exited={vigil.Process.HasExited}; log: {vigil.Process.Stdout}{vigil.Process.Stderr}", ex);
                }
            }
            Assert.NotNull(waiting);

            // Starved for two seconds: a loop retrying accept at once burns a core; backing off costs next to nothing.
            var cpuBefore = CpuTime(vigil.Process.Pid);
            var wallBefore = DateTime.UtcNow;
            await Task.Delay(TimeSpan.FromSeconds(2));
            var cpu = CpuTime(vigil.Process.Pid) - cpuBefore;
            var wall = DateTime.UtcNow - wallBefore;
            Assert.True(cpu < wall * 0.25, $"{cpu.TotalMilliseconds:0} ms of CPU in {wall.TotalMilliseconds:0} ms while out of descriptors");
            Assert.Equal("PONG", ((RespSimpleString)await connected.CallAsync("PING")).Text);
            await Wait.UntilAsync(() => vigil.Process.Stdout.Contains(AcceptError, StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the accept error logged");
            Assert.Single(Lines(vigil.Process.Stdout, AcceptError));

            // Freed descriptors let it accept again: the waiting connection is served.
            foreach (var client in clients.Take(10)) await client.DisposeAsync();
            var reply = await waiting!.ReadAsync(TimeSpan.FromSeconds(10));
            Assert.Equal("PONG", ((RespSimpleString)reply).Text);
            await Wait.UntilAsync(() => vigil.Process.Stdout.Contains("Accepting client connections again", StringComparison.Ordinal),
                TimeSpan.FromSeconds(10), "the recovery logged");
        }
        finally
        {
            foreach (var client in clients.Skip(10)) await client.DisposeAsync();
        }
    }

    private static IEnumerable<string> Lines(string text, string containing) =>
        text.Split('\n').Where(line => line.Contains(containing, StringComparison.Ordinal));

    /// <summary>User plus system CPU time of a process, from /proc (fields 14 and 15, in clock ticks of 1/100 s).</summary>
    private static TimeSpan CpuTime(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }
}
