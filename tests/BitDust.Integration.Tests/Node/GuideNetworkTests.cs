using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Xunit.Abstractions;

namespace BitDust.Integration.Tests.Node;

/// <summary>
/// BitDust's "create your own network" guide with our commands: four daemons on loopback, each with its own home and ports,
/// DHT genesis on the first and known-nodes on the others, an identity server on every node.
/// </summary>
public sealed class GuideNetworkTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] Names = ["alice", "bob", "carl", "dave"];
    private readonly List<BitDustCli> _nodes = [];
    private readonly List<(int Udp, int Web, int Tcp)> _ports = [];

    public async Task InitializeAsync()
    {
        for (var i = 0; i < Names.Length; i++)
        {
            _nodes.Add(BitDustCli.WithFreshHome());
            _ports.Add((BitDustCli.FreePort(ProtocolType.Udp), BitDustCli.FreePort(ProtocolType.Tcp), BitDustCli.FreePort(ProtocolType.Tcp)));
        }
        var servers = string.Join(',', _ports.Select(p => $"127.0.0.1:{p.Web}:{p.Tcp}"));
        await Task.WhenAll(_nodes.Select((node, i) => ConfigureAsync(node, i, servers)));
    }

    private async Task ConfigureAsync(BitDustCli node, int index, string servers)
    {
        var (udp, web, tcp) = _ports[index];
        await node.RunOkAsync("set", "interface/api/rest-http-port", "0");
        await node.RunOkAsync("set", "services/tcp-connections/tcp-port", "0");
        await node.RunOkAsync("set", "services/entangled-dht/udp-port", udp.ToString(CultureInfo.InvariantCulture));
        await node.RunOkAsync("set", "services/entangled-dht/known-nodes", index == 0 ? "genesis" : $"127.0.0.1:{_ports[0].Udp}");
        await node.RunOkAsync("set", "services/identity-server/enabled", "true");
        await node.RunOkAsync("set", "services/identity-server/host", "127.0.0.1");
        await node.RunOkAsync("set", "services/identity-server/web-port", web.ToString(CultureInfo.InvariantCulture));
        await node.RunOkAsync("set", "services/identity-server/tcp-port", tcp.ToString(CultureInfo.InvariantCulture));
        await node.RunOkAsync("set", "services/identity-propagate/known-servers", servers);
    }

    [Fact]
    public async Task Four_nodes_find_each_other_and_share_identities_and_values()
    {
        await _nodes[0].RunOkAsync("daemon");
        await Task.WhenAll(_nodes.Skip(1).Select(n => n.RunOkAsync("daemon")));
        for (var i = 0; i < Names.Length; i++)
            Assert.Contains($"\"name\": \"{Names[i]}\"", await _nodes[i].RunOkAsync("identity", "create", Names[i]), StringComparison.Ordinal);

        // Every node sees the other three in its DHT routing table.
        var clock = Stopwatch.StartNew();
        foreach (var node in _nodes)
        {
            var contacts = 0;
            await Eventually.ForAsync<string>(async () =>
            {
                contacts = (await node.ApiAsync(HttpMethod.Get, "/network/status/v1?dht=1"))["result"]!["dht"]!["contacts"]!.GetValue<int>();
                if (contacts >= 3)
                    return "found";
                await node.RunOkAsync("api", "GET", "/dht/node/find/v1");
                return null;
            }, TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(500), () => $"a node has only {contacts} DHT contacts");
        }
        output.WriteLine($"every node had 3 DHT contacts after {clock.Elapsed.TotalSeconds:0.0} s");

        // Every identity is on every identity server (each serves its page once it has started), and resolvable by every node.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        foreach (var (_, web, _) in _ports)
        {
            var page = await Eventually.ForAsync<string>(async () => await http.GetStringAsync(new Uri($"http://127.0.0.1:{web}/")), TimeSpan.FromSeconds(30),
                TimeSpan.FromMilliseconds(200), () => $"the identity server on port {web} never answered", notYet: e => e is HttpRequestException);
            Assert.Contains("Identities on 127.0.0.1", page, StringComparison.Ordinal);
            Assert.All(Names, name => Assert.Contains($"/{name}.xml", page, StringComparison.Ordinal));
        }

        // A value stored from one node is read from every other.
        var stored = await _nodes[1].ApiAsync(HttpMethod.Post, "/dht/value/set/v1", """{"key": "greeting", "value": "hello from bob"}""");
        Assert.Equal("OK", stored["status"]!.GetValue<string>());
        foreach (var reader in new[] { _nodes[0], _nodes[2], _nodes[3] })
        {
            var read = await reader.ApiAsync(HttpMethod.Get, "/dht/value/get/v1?key=greeting&owner=bob");
            Assert.Equal("hello from bob", read["result"]?["value"]?.GetValue<string>());
        }

        // Each identity's pointer in the DHT, signed by its owner, names its identity URLs.
        foreach (var name in Names)
        {
            System.Text.Json.Nodes.JsonNode? last = null;
            var pointer = await Eventually.ForAsync<System.Text.Json.Nodes.JsonNode>(async () =>
            {
                last = await _nodes[3].ApiAsync(HttpMethod.Get, $"/dht/value/get/v1?key=bitdust:identity&owner={name}");
                return last["status"]!.GetValue<string>() == "OK" ? last : null;
            }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500), () => $"no identity pointer for {name}: {last?.ToJsonString()}");
            Assert.Contains($"/{name}.xml", pointer["result"]!["value"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        // A newcomer told of no identity server finds bob's through the identity servers announced in the DHT.
        var newcomer = BitDustCli.WithFreshHome();
        _nodes.Add(newcomer);
        await newcomer.RunOkAsync("set", "interface/api/rest-http-port", "0");
        await newcomer.RunOkAsync("set", "services/entangled-dht/udp-port", "0");
        await newcomer.RunOkAsync("set", "services/entangled-dht/known-nodes", $"127.0.0.1:{_ports[0].Udp}");
        await newcomer.RunOkAsync("daemon");
        clock.Restart();
        System.Text.Json.Nodes.JsonNode? answer = null;
        await Eventually.ForAsync<System.Text.Json.Nodes.JsonNode>(async () =>
        {
            answer = await newcomer.ApiAsync(HttpMethod.Get, "/dht/value/get/v1?key=greeting&owner=bob");
            return answer["result"]?["value"]?.GetValue<string>() == "hello from bob" ? answer : null;
        }, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1), () => $"the newcomer could not resolve bob through the DHT: {answer?.ToJsonString()}");
        output.WriteLine($"a node with no identity servers configured resolved bob through the DHT in {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task A_forged_identity_is_refused_and_a_backup_brings_the_identity_up_on_an_empty_home()
    {
        await _nodes[0].RunOkAsync("daemon");
        await _nodes[1].RunOkAsync("daemon");
        await _nodes[0].RunOkAsync("identity", "create", "alice");

        // Someone else claims "alice": right name, other key.
        var (code, _, error) = await _nodes[1].RunAsync("identity", "create", "alice");
        Assert.NotEqual(0, code);
        Assert.Contains("signed by another key", error, StringComparison.Ordinal);

        var backup = Path.Combine(_nodes[0].Home, "alice.backup");
        var passphraseFile = Path.Combine(_nodes[0].Home, "passphrase");
        await File.WriteAllTextAsync(passphraseFile, "correct horse battery staple");
        await _nodes[0].RunOkAsync("identity", "backup", backup, "--passphrase-file", passphraseFile);
        var original = await _nodes[0].ApiAsync(HttpMethod.Get, "/identity/get/v1");
        await _nodes[0].RunOkAsync("stop");

        await _nodes[2].RunOkAsync("daemon");
        await File.WriteAllTextAsync(passphraseFile, "wrong");
        var (wrongCode, _, wrongError) = await _nodes[2].RunAsync("identity", "recover", backup, "--passphrase-file", passphraseFile);
        Assert.NotEqual(0, wrongCode);
        Assert.Contains("passphrase", wrongError, StringComparison.OrdinalIgnoreCase);

        await File.WriteAllTextAsync(passphraseFile, "correct horse battery staple");
        await _nodes[2].RunOkAsync("identity", "recover", backup, "--passphrase-file", passphraseFile);
        var recovered = await _nodes[2].ApiAsync(HttpMethod.Get, "/identity/get/v1");
        Assert.Equal(original["result"]!["fingerprint"]!.GetValue<string>(), recovered["result"]!["fingerprint"]!.GetValue<string>());
        Assert.Equal("alice", recovered["result"]!["name"]!.GetValue<string>());
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
            await node.DisposeAsync();
    }
}
