using System.Globalization;
using Microsoft.Playwright;
using Vigil.Integration.Infrastructure;
using Vigil.Resp;
using Xunit.Abstractions;

namespace Vigil.Integration.Http;

/// <summary>
/// Three Vigil sentinels with their HTTP endpoints, a master and a replica. The master is put to sleep (DEBUG SLEEP);
/// while the sentinels fail it over, their metrics are scraped and parsed by the Prometheus project's own parser, and
/// the dashboard of one of them is open in headless Chromium: the failover must appear on its live timeline without
/// a reload, and its phase picture must be drawn.
/// </summary>
/// <remarks>
/// Every browser-side step is a condition waited for with a deadline (no sleeps, no immediate counts), with
/// deadlines sized for a loaded 2-core machine. When a step fails, what the browser showed is written to the test
/// output (the page's text, its console, a screenshot's path) so that the reason is known.
/// </remarks>
public sealed class DashboardFailoverTests(ITestOutputHelper output)
{
    private const string Chromium = "/usr/bin/chromium";

    /// <summary>For each browser step: the page is served by a sentinel that may be starved of CPU for seconds.</summary>
    private const float StepTimeoutMs = 30_000;

    [Fact]
    public async Task A_failover_moves_the_metrics_and_appears_live_on_the_dashboard()
    {
        await using var group = new SentinelGroup();
        var master = await group.StartMasterAsync("--enable-debug-command", "yes");
        var replica = await group.StartReplicaAsync("--enable-debug-command", "yes");
        await group.WaitAsync(async () => (await Topology.InfoAsync(replica, "replication")).GetValueOrDefault("master_link_status") == "up",
            TimeSpan.FromSeconds(30), "the replica in sync");
        var config = group.SentinelConfig(quorum: 2, downAfterMs: 2000, failoverTimeoutMs: 10000);
        var sentinels = new List<HttpSentinel>();
        for (int i = 0; i < 3; i++) sentinels.Add(await HttpSentinel.StartAsync(group, config));
        await Topology.WaitForDiscoveryAsync(group.Sentinels, peers: 2, replicas: 1, TimeSpan.FromSeconds(30));

        string masterAddress = $"127.0.0.1:{master.Port.ToString(CultureInfo.InvariantCulture)}";
        string replicaAddress = $"127.0.0.1:{replica.Port.ToString(CultureInfo.InvariantCulture)}";
        // Before the fault (waited for: a loaded machine may show a passing SDOWN or TILT).
        await group.WaitAsync(async () =>
        {
            foreach (var sentinel in sentinels)
            {
                var before = await sentinel.ScrapeAsync();
                if (before.Value("redis_sentinel_masters") != 1
                    || before.Value("redis_sentinel_master_status", ("master_name", Topology.MasterName), ("master_address", masterAddress), ("master_status", "ok")) != 1
                    || before.Value("redis_sentinel_master_sentinels", ("master_name", Topology.MasterName)) != 3
                    || before.Value("redis_sentinel_master_slaves", ("master_name", Topology.MasterName)) != 1
                    || before.Sum("vigil_failover_fault_to_switch_master_seconds_count") != 0) return false;
            }
            return true;
        }, TimeSpan.FromSeconds(30), "every sentinel's metrics showing the master ok, 3 sentinels and 1 replica");

        using var playwright = await Playwright.CreateAsync();
        Assertions.SetDefaultExpectTimeout(StepTimeoutMs);
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox"], // the tests may run as root
            Timeout = 2 * StepTimeoutMs,
        });
        var console = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var pages = new List<IPage>();
        async Task<IPage> OpenAsync(HttpSentinel sentinel)
        {
            var opened = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1200, Height = 1000 } });
            opened.SetDefaultTimeout(StepTimeoutMs);
            opened.Console += (_, message) => console.Enqueue($"{sentinel.BaseUrl} {message.Type}: {message.Text}");
            opened.PageError += (_, error) => console.Enqueue($"{sentinel.BaseUrl} page error: {error}");
            pages.Add(opened);
            await opened.GotoAsync(sentinel.BaseUrl);
            return opened;
        }
        try
        {
            var page = await OpenAsync(sentinels[0]);
            var sentinelRows = page.Locator(".sentinel-rows tr");
            await Assertions.Expect(sentinelRows).ToHaveCountAsync(3);
            await Assertions.Expect(page.Locator(".master-address")).ToHaveTextAsync(masterAddress);
            await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("live");
            // Survives only as long as the page is not reloaded.
            await page.EvaluateAsync("() => { window.notReloaded = true; }");

            // The sleeping master answers nothing for 45 s (it is stopped before it wakes); the sentinels fail it over meanwhile.
            var sleeper = await master.ConnectAsync();
            await sleeper.SendRawAsync("*3\r\n$5\r\nDEBUG\r\n$5\r\nSLEEP\r\n$2\r\n45\r\n");

            // During the failover: the master's SDOWN is counted before the switch.
            await group.WaitAsync(async () => (await sentinels[0].ScrapeAsync()).Sum("vigil_sdown_total", ("role", "master")) >= 1,
                TimeSpan.FromSeconds(20), "sentinel 1 counting the master's +sdown");

            // Generous: on a loaded machine a sentinel may go through TILT (30 s) before it acts.
            await Assertions.Expect(page.Locator("#timeline li[data-type='+switch-master']").First).ToBeVisibleAsync(new() { Timeout = 60000 });
            var picture = page.Locator(".failover svg.phase-picture[data-phases*='switch-master']").First;
            await Assertions.Expect(picture).ToBeVisibleAsync();
            string phases = await picture.GetAttributeAsync("data-phases") ?? "";
            Assert.StartsWith("sdown", phases, StringComparison.Ordinal);
            Assert.Contains("switch-master", phases, StringComparison.Ordinal);
            // Every phase named is drawn (sentinel 1 may follow the leader's switch before reaching ODOWN itself, so it
            // has two phases or more), waited for because the picture is redrawn as the failover's later events arrive.
            await Assertions.Expect(picture.Locator(".phase-mark")).ToHaveCountAsync(phases.Split(' ').Length);
            Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"), "the page was reloaded");
            await Assertions.Expect(page.Locator(".master-address")).ToHaveTextAsync(replicaAddress);

            // After: every sentinel timed fault -> +switch-master; exactly one led the failover to its end, and timed each phase.
            IReadOnlyList<MetricSample>[] after = new IReadOnlyList<MetricSample>[3];
            await group.WaitAsync(async () =>
            {
                for (int i = 0; i < 3; i++) after[i] = await sentinels[i].ScrapeAsync();
                return after.All(s => s.Value("vigil_failover_fault_to_switch_master_seconds_count") >= 1)
                    && after.Sum(s => s.Sum("vigil_failovers_total", ("outcome", "ended"))) == 1;
            }, TimeSpan.FromSeconds(60), "every sentinel timing the switch and the leader counting its failover");
            int leaderIndex = Array.FindIndex(after, s => s.Sum("vigil_failovers_total", ("outcome", "ended")) == 1);
            var leader = after[leaderIndex];

            // The leader's dashboard has every phase; its picture is the one worth a screenshot.
            var leaderPage = await OpenAsync(sentinels[leaderIndex]);
            await Assertions.Expect(leaderPage.Locator(".failover svg.phase-picture[data-phases*='elected']")).ToHaveCountAsync(1);
            string screenshot = Environment.GetEnvironmentVariable("VIGIL_DASHBOARD_SCREENSHOT") ?? Path.Combine(group.Dir.Path, "dashboard.png");
            await leaderPage.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
            Assert.True(leader.Value("vigil_odown_total") >= 1);
            foreach (var phase in new[] { "sdown_to_odown", "odown_to_elected", "elected_to_promoted", "promoted_to_end" })
            {
                Assert.Equal(1, leader.Value("vigil_failover_phase_seconds_count", ("phase", phase)));
            }
            foreach (var samples in after)
            {
                Assert.True(samples.Sum("vigil_sdown_total", ("role", "master")) >= 1);
                double faultToSwitch = samples.Value("vigil_failover_fault_to_switch_master_seconds_sum")!.Value;
                Assert.InRange(faultToSwitch, 0.001, 90);
                Assert.Equal(1, samples.Value("redis_sentinel_master_status", ("master_name", Topology.MasterName), ("master_address", replicaAddress), ("master_status", "ok")));
                Assert.True(samples.Value("vigil_state_save_seconds_count") >= 1);
                Assert.Contains(samples, s => s.Name == "vigil_link_rtt_seconds" && s.Labels["role"] == "sentinel");
            }
            await sleeper.DisposeAsync();
        }
        catch (Exception)
        {
            await DescribeBrowserAsync(pages, console, group);
            throw;
        }
    }

    /// <summary>What each open page showed when a step failed: its text, a screenshot's path, the console, the events.</summary>
    private async Task DescribeBrowserAsync(List<IPage> pages, System.Collections.Concurrent.ConcurrentQueue<string> console, SentinelGroup group)
    {
        for (int i = 0; i < pages.Count; i++)
        {
            try
            {
                string shot = Path.Combine(Path.GetTempPath(), $"vigil-dashboard-failure-{DateTime.UtcNow:yyyyMMddTHHmmss}-{i}.png");
                await pages[i].ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true, Timeout = 10_000 });
                string text = await pages[i].InnerTextAsync("body", new() { Timeout = 10_000 });
                output.WriteLine($"page {i} ({pages[i].Url}), screenshot {shot}:\n{text}");
            }
            catch (PlaywrightException ex)
            {
                output.WriteLine($"page {i} ({pages[i].Url}) could not be read: {ex.Message}");
            }
        }
        output.WriteLine("browser console:\n" + string.Join("\n", console));
        output.WriteLine("sentinel events: " + group.DescribeEvents());
    }
}
