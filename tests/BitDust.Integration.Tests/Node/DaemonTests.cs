using FsCheck;
using FsCheck.Fluent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace BitDust.Integration.Tests.Node;

public sealed class DaemonTests
{
    [Fact]
    public async Task Daemon_starts_reports_status_and_stops()
    {
        await using var node = BitDustCli.WithFreshHome();
        await node.RunOkAsync("set", "interface/api/rest-http-port", "0");

        var started = await node.RunOkAsync("daemon");
        Assert.Contains("BitDust node started", started, StringComparison.Ordinal);
        var pid = node.DaemonPid();
        Assert.NotNull(pid);

        var status = await node.RunOkAsync("status");
        Assert.Contains($"pid {pid}", status, StringComparison.Ordinal);
        Assert.Contains("{\n  \"running\": true", (await node.RunOkAsync("status", "--json")).Replace("\r", "", StringComparison.Ordinal),
            StringComparison.Ordinal);

        Assert.Contains("BitDust node stopped", await node.RunOkAsync("stop"), StringComparison.Ordinal);
        var (code, output, _) = await node.RunAsync("status");
        Assert.Equal(3, code);
        Assert.Contains("not running", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(node.Home, "bitdust.pid")));
    }

    [Fact]
    public async Task Logs_debug_level_set_on_a_running_node_applies_at_once_and_other_keys_say_they_need_a_restart()
    {
        await using var node = BitDustCli.WithFreshHome();
        await node.RunOkAsync("set", "interface/api/rest-http-port", "0");
        await node.RunOkAsync("daemon");
        var log = Path.Combine(node.Home, "logs", "bitdust.log");

        // At 0, a request is not logged; at 10 (debug and trace) each is, from the moment it is set.
        await node.ApiAsync(HttpMethod.Get, "/process/info/v1");
        Assert.Contains("(applied now)", await node.RunOkAsync("set", "logs/debug-level", "10"), StringComparison.Ordinal);
        await node.ApiAsync(HttpMethod.Get, "/process/health/v1");
        await WaitLoggedAsync(log, "GET /process/health/v1 answered 200");
        Assert.DoesNotContain("GET /process/info/v1 answered", await ReadSharedAsync(log), StringComparison.Ordinal);

        Assert.Contains("(applied now)", await node.RunOkAsync("set", "logs/debug-level", "0"), StringComparison.Ordinal);
        await node.ApiAsync(HttpMethod.Get, "/config/list/v1");
        await node.RunOkAsync("set", "logs/debug-level", "3");
        await node.ApiAsync(HttpMethod.Get, "/service/list/v1");
        await WaitLoggedAsync(log, "GET /service/list/v1 answered 200");
        Assert.DoesNotContain("GET /config/list/v1 answered", await ReadSharedAsync(log), StringComparison.Ordinal);

        Assert.Contains("restart the node", await node.RunOkAsync("set", "services/supplier/donated-space", "10GB"), StringComparison.Ordinal);
        var (code, _, error) = await node.RunAsync("set", "logs/debug-level", "99");
        Assert.True(code == 2 && error.Contains("logs/debug-level", StringComparison.Ordinal), error);
    }

    [Fact]
    public async Task A_service_stopped_started_and_restarted_on_a_running_node_frees_and_takes_its_port_again()
    {
        await using var node = BitDustCli.WithFreshHome();
        var port = BitDustCli.FreePort(System.Net.Sockets.ProtocolType.Udp);
        await node.RunOkAsync("set", "interface/api/rest-http-port", "0");
        await node.RunOkAsync("set", "services/entangled-dht/udp-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await node.RunOkAsync("set", "services/entangled-dht/known-nodes", "genesis");
        await node.RunOkAsync("daemon");
        Assert.False(CanBindUdp(port), "the DHT does not hold its port after the start");

        var stopped = await node.RunOkAsync("service", "stop", "entangled-dht");
        Assert.Contains("service_entangled_dht(OFF)", stopped, StringComparison.Ordinal);
        var info = await node.ApiAsync(HttpMethod.Get, "/service/info/service_entangled_dht/v1");
        Assert.Equal("OFF", info["result"]!["state"]!.GetValue<string>());
        Assert.Contains("stopped on request", info["result"]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(CanBindUdp(port), "the DHT's port is still taken after the stop");

        var started = await node.RunOkAsync("service", "start", "service_entangled_dht");
        Assert.Contains("service_entangled_dht(ON)", started, StringComparison.Ordinal);
        Assert.False(CanBindUdp(port), "the DHT does not hold its port after the start");

        var restarted = await node.RunOkAsync("service", "restart", "entangled-dht", "--json");
        Assert.Contains("\"entangled-dht\"", restarted, StringComparison.Ordinal);
        Assert.False(CanBindUdp(port), "the DHT does not hold its port after the restart");

        var (code, _, error) = await node.RunAsync("service", "stop", "no-such-service");
        Assert.True(code != 0 && error.Contains("no service named no-such-service", StringComparison.Ordinal), error);
        // The node itself kept serving through all of it.
        Assert.Equal("OK", (await node.ApiAsync(HttpMethod.Get, "/process/health/v1"))["status"]!.GetValue<string>());
    }

    private static bool CanBindUdp(int port)
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram,
            System.Net.Sockets.ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Any, port));
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private static Task WaitLoggedAsync(string log, string text) =>
        Eventually.ForAsync(async () => (await ReadSharedAsync(log)).Contains(text, StringComparison.Ordinal) ? "logged" : null,
            TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100), () => $"the log never said \"{text}\"");

    /// <summary>The log as it is now, read beside the node that writes it.</summary>
    private static async Task<string> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    [Fact]
    public async Task Config_is_validated_and_kept_across_a_restart()
    {
        await using var node = BitDustCli.WithFreshHome();
        await node.RunOkAsync("set", "interface/api/rest-http-port", "0");
        await node.RunOkAsync("daemon");

        var (code, _, error) = await node.RunAsync("set", "services/supplier/donated-space", "a lot");
        Assert.Equal(2, code);
        Assert.Contains("services/supplier/donated-space", error, StringComparison.Ordinal);
        Assert.Contains("50 GB", await node.RunOkAsync("set", "services/supplier/donated-space", "50GB"), StringComparison.Ordinal);

        await node.RunOkAsync("restart");

        Assert.Equal("50 GB", (await node.RunOkAsync("get", "services/supplier/donated-space")).Trim());
        Assert.Contains("\"value\": \"50 GB\"", await node.RunOkAsync("api", "GET", "/config/get/services/supplier/donated-space/v1"),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_REST_API_needs_the_token_and_answers_in_BitDusts_envelope()
    {
        await using var node = BitDustCli.WithFreshHome();
        await node.RunOkAsync("set", "interface/api/rest-http-port", "0");
        await node.RunOkAsync("daemon");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{node.ApiPort()}"), Timeout = TimeSpan.FromSeconds(30) };

        using var anonymous = await http.GetAsync(new Uri("/process/health/v1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("\"status\":\"ERROR\"", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", node.ApiToken());
        using var health = await http.GetAsync(new Uri("/process/health/v1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains("\"status\":\"OK\"", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var garbage = await http.PostAsync(new Uri("/config/set/services/supplier/donated-space/v1", UriKind.Relative),
            new StringContent("{\"value\": [1,2", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        Assert.Contains("not valid JSON", await garbage.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var oversized = await http.PostAsync(new Uri("/config/set/services/supplier/donated-space/v1", UriKind.Relative),
            new StringContent(new string('x', 200_000), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, oversized.StatusCode);

        using var stillServing = await http.GetAsync(new Uri("/process/health/v1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, stillServing.StatusCode);
        Assert.True(File.GetUnixFileMode(Path.Combine(node.Home, "api-token")) == (UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Fact]
    public async Task Generated_garbage_bodies_are_refused_with_a_reason_and_the_node_keeps_serving()
    {
        await using var node = BitDustCli.WithFreshHome();
        await node.RunOkAsync("set", "interface/api/rest-http-port", "0");
        await node.RunOkAsync("set", "services/entangled-dht/udp-port", "0");
        await node.RunOkAsync("daemon");
        string[] paths = ["/config/set/services/supplier/donated-space/v1", "/identity/create/v1", "/identity/backup/v1", "/identity/recover/v1",
            "/dht/value/set/v1"];
        var bodies = Gen.OneOf(
            ArbMap.Default.GeneratorFor<string>().Where(s => s is not null),
            Gen.Elements("{", "[]", "null", "{\"value\": {}}", "{\"username\": 7}", "{\"username\": \"A\"}",
                "{\"source_path\": \"/etc/passwd\", \"passphrase\": \"x\"}", "{\"key\": \"\", \"value\": \"\"}", "\u0000\u00ff"));
        foreach (var (body, index) in Gen.Sample(bodies, 150).Select((b, i) => (b, i)))
        {
            var answer = await node.ApiAsync(HttpMethod.Post, paths[index % paths.Length], body);
            Assert.Equal("ERROR", answer["status"]!.GetValue<string>());
            Assert.False(string.IsNullOrWhiteSpace(answer["errors"]![0]!.GetValue<string>()), body);
        }
        Assert.Equal("OK", (await node.ApiAsync(HttpMethod.Get, "/process/health/v1"))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_node_killed_with_SIGKILL_comes_back_with_the_same_identity_and_config()
    {
        await using var node = BitDustCli.WithFreshHome();
        await node.RunOkAsync("set", "interface/api/rest-http-port", "0");
        await node.RunOkAsync("set", "services/supplier/donated-space", "3 GB");
        await node.RunOkAsync("set", "services/tcp-connections/tcp-port", "0");
        await node.RunOkAsync("set", "services/entangled-dht/udp-port", "0");
        await node.RunOkAsync("daemon");
        var created = await node.ApiAsync(HttpMethod.Post, "/identity/create/v1", """{"username": "erin"}""");
        var fingerprint = created["result"]!["fingerprint"]!.GetValue<string>();
        using (var process = Process.GetProcessById(node.DaemonPid()!.Value))
        {
            process.Kill();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        Assert.Contains("BitDust node started", await node.RunOkAsync("daemon"), StringComparison.Ordinal);
        Assert.Equal("3 GB", (await node.RunOkAsync("get", "services/supplier/donated-space")).Trim());
        var after = await node.ApiAsync(HttpMethod.Get, "/identity/get/v1");
        Assert.Equal(fingerprint, after["result"]!["fingerprint"]!.GetValue<string>());
        Assert.Contains("service_tcp_connections(ON)", await node.RunOkAsync("states"), StringComparison.Ordinal);
        await node.RunOkAsync("stop");
    }
}
