using System.Net.Http.Json;
using System.Text.Json;
using BitDust.Engine.Common;
using BitDust.Engine.Host.Api;
using BitDust.Engine.Host.Configuration;
using BitDust.Engine.Host.Services;
using BitDust.Engine.Identity;
using BitDust.Engine.Network.Relay;
using BitDust.Engine.Network.Transport;
using BitDust.Engine.Storage.Protocol;
using BitDust.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using static BitDust.Engine.Tests.Network.Transport.TransportFixture;

namespace BitDust.Engine.Tests.Network.Relay;

/// <summary>
/// proxy-server and proxy-transport as a node runs them: each node a home of its own with its services, an identity server
/// they publish to, the REST API. The routed node advertises <c>[::1]</c>, where nothing listens (its listener is IPv4 only),
/// so a router's dial-back fails the way it does behind NAT.
/// </summary>
public sealed class ProxyServicesTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bitdust-proxy-").FullName;
    private readonly HttpClient _http = new() { Timeout = StepTimeout };
    private readonly List<IAsyncDisposable> _running = [];
    private readonly List<IDisposable> _owned = [];
    private IdentityStore _store = null!;
    private IdentityServer _server = null!;

    public async Task InitializeAsync()
    {
        _store = await IdentityStore.OpenAsync(Path.Combine(_folder, "identity-server"), cancellationToken: CancellationToken.None)
            .WaitAsync(StepTimeout);
        _server = await IdentityServer.StartAsync(new IdentityServerOptions { Host = "127.0.0.1", WebPort = 0, TcpPort = 0 }, _store)
            .WaitAsync(StepTimeout);
    }

    public async Task DisposeAsync()
    {
        foreach (var running in Enumerable.Reverse(_running))
            await running.DisposeAsync().AsTask().WaitAsync(StepTimeout);
        foreach (var owned in _owned)
            owned.Dispose();
        await _server.DisposeAsync().AsTask().WaitAsync(StepTimeout);
        _store.Dispose();
        _http.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_node_that_cannot_be_dialed_is_routed_publishes_the_relay_contact_and_is_reached_through_the_router_node()
    {
        var router = await StartNodeAsync("router-one", "127.0.0.1", ("services/proxy-transport/enabled", "false"),
            ("services/proxy-server/enabled", "true"), ("services/entangled-dht/known-nodes", "genesis"));
        var routerPort = router.Transport.Port!.Value;
        var routed = await StartNodeAsync("nat-node", "[::1]", ("services/proxy-transport/preferred-routers", $"127.0.0.1:{routerPort}"),
            ("services/entangled-dht/known-nodes", $"127.0.0.1:{router.Dht.Node!.Port}"));
        routed.Transport.Handlers.MapRequest("echo", (request, _) => ValueTask.FromResult(request.Payload.ToArray()));

        var relayContact = $"relay://127.0.0.1:{routerPort}/router-one";
        await WaitUntilAsync(() => routed.ProxyTransport!.State == RelayReceiverState.Connected);
        var published = await WaitForPublishedAsync("nat-node", relayContact);
        Assert.Equal([relayContact], await routed.Propagate.CurrentContactsAsync(CancellationToken.None));
        Assert.Equal([$"tcp://[::1]:{routed.Transport.Port}"], await routed.Propagate.DirectContactsAsync(CancellationToken.None));

        // Anyone who fetches the document reaches the node through the router, with its key checked end to end.
        var alice = await StartCallerAsync();
        var contact = SupplierContacts.FromDocument(published)!;
        Assert.Equal("router-one", contact.Router);
        Assert.Equal([5], await alice.SendRequestAsync(contact, "echo", new byte[] { 5 }).WaitAsync(StepTimeout));
        await WaitUntilAsync(() => routed.Transport.Connections.Any(c => c.PeerIdentity.EndsWith("/alice.xml", StringComparison.Ordinal)));

        var routes = await GetAsync(router, "/router/list/v1");
        Assert.Equal("router-one", routes.GetProperty("router").GetString());
        var route = Assert.Single(routes.GetProperty("routes").EnumerateArray().ToList());
        Assert.Equal(published.PeerName, route.GetProperty("identity").GetString());
        Assert.True(route.GetProperty("bytes_relayed").GetInt64() > 0);
        var status = await GetAsync(routed, "/network/status/v1");
        var transport = status.GetProperty("proxy_transport");
        Assert.Equal("CONNECTED", transport.GetProperty("state").GetString());
        Assert.Equal("router-one", transport.GetProperty("router").GetString());
        Assert.Equal(relayContact, transport.GetProperty("contacts")[0].GetString());
        Assert.Equal(1, (await GetAsync(router, "/network/status/v1")).GetProperty("proxy_server").GetProperty("routes").GetInt32());
        var states = router.Services.List().ToDictionary(s => s.Name);
        Assert.Equal("LISTEN", states["proxy-server"].State);
        Assert.Contains("services/proxy-transport/enabled is false", states["proxy-transport"].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_a_router_can_dial_stays_DIRECT_and_keeps_its_tcp_contact()
    {
        var router = await StartNodeAsync("router-one", "127.0.0.1", ("services/proxy-transport/enabled", "false"),
            ("services/proxy-server/enabled", "true"), ("services/entangled-dht/known-nodes", "genesis"));
        var direct = await StartNodeAsync("open-node", "127.0.0.1",
            ("services/proxy-transport/preferred-routers", $"127.0.0.1:{router.Transport.Port}"),
            ("services/entangled-dht/known-nodes", $"127.0.0.1:{router.Dht.Node!.Port}"));

        await WaitUntilAsync(() => direct.ProxyTransport!.State == RelayReceiverState.Direct);

        var tcpContact = $"tcp://127.0.0.1:{direct.Transport.Port}";
        Assert.Equal([tcpContact], await direct.Propagate.CurrentContactsAsync(CancellationToken.None));
        Assert.Equal([tcpContact], (await WaitForPublishedAsync("open-node", tcpContact)).Contacts);
        Assert.Empty(router.ProxyServer!.Router!.Routes);
    }

    /// <summary>The document of <paramref name="name"/> on the identity server once its one contact is <paramref name="contact"/>.</summary>
    private async Task<IdentityDocument> WaitForPublishedAsync(string name, string contact)
    {
        var client = new IdentityClient(_http);
        return await Eventually.ForAsync<IdentityDocument>(async () =>
        {
            var document = await client.FetchAsync(_server.Address, name, CancellationToken.None);
            return document.Contacts.SequenceEqual([contact]) ? document : null;
        }, StepTimeout, waitingFor: () => $"{name} was never published with its one contact {contact}");
    }

    private async Task<JsonElement> GetAsync(Node node, string path)
    {
        var answer = await _http.GetFromJsonAsync<JsonElement>($"http://127.0.0.1:{node.Api.Port}{path}").WaitAsync(StepTimeout);
        Assert.Equal("OK", answer.GetProperty("status").GetString());
        return answer.GetProperty("result");
    }

    /// <summary>A node with the services a router or a routed node runs, its identity on the test's identity server.</summary>
    private async Task<Node> StartNodeAsync(string name, string host, params (string Key, string Value)[] settings)
    {
        var home = new NodeHome(Path.Combine(_folder, name));
        home.Create();
        var config = NodeConfig.Load(home);
        (string, string)[] common =
        [
            ("services/tcp-connections/tcp-port", "0"), ("services/tcp-connections/host", host), ("services/entangled-dht/udp-port", "0"),
            ("services/identity-propagate/known-servers", _server.Address.ToString()),
        ];
        foreach (var (key, value) in common.Concat(settings))
            await config.SetAsync(key, value).WaitAsync(StepTimeout);
        var client = new IdentityClient(_http);
        var owner = new OwnerIdentity(home, client);
        await owner.CreateAsync(name, [], [_server.Address], CancellationToken.None).WaitAsync(StepTimeout);
        var dht = new EntangledDhtService(config, NullLoggerFactory.Instance);
        var resolver = new NetworkIdentityResolver(client, new IdentityCache(), config, dht);
        var transport = new TcpConnectionsService(config, owner, resolver, NullLoggerFactory.Instance);
        var propagate = new IdentityPropagateService(config, owner, client, transport, dht, NullLogger<IdentityPropagateService>.Instance);
        var server = new ProxyServerService(config, owner, transport, dht, NullLoggerFactory.Instance);
        var routed = new ProxyTransportService(config, transport, dht, propagate, NullLoggerFactory.Instance);
        var services = new ServiceRegistry([dht, transport, propagate, server, routed], config, NullLogger.Instance);
        _running.Add(services);
        await services.StartAsync(CancellationToken.None).WaitAsync(StepTimeout);
        var context = new NodeApiContext(home, config, services, owner, resolver, DateTimeOffset.UtcNow, () => { });
        var api = RestApi.Create(0, token: null, logs: null, routes =>
        {
            NetworkEndpoints.Map(routes, context);
            RouterEndpoints.Map(routes, context);
        });
        _running.Add(api);
        await api.StartAsync(CancellationToken.None).WaitAsync(StepTimeout);
        return new Node(services, dht, transport, propagate, services.Running<ProxyServerService>(),
            services.Running<ProxyTransportService>()?.Receiver, api);
    }

    /// <summary>A third node, alice, that only dials: its identity on the server, a connector of its own.</summary>
    private async Task<PeerConnector> StartCallerAsync()
    {
        var home = new NodeHome(Path.Combine(_folder, "alice"));
        home.Create();
        var owner = new OwnerIdentity(home, new IdentityClient(_http));
        var document = await owner.CreateAsync("alice", [], [_server.Address], CancellationToken.None).WaitAsync(StepTimeout);
        using var keys = owner.LoadKeys();
        var credentials = TransportCredentials.Create(document.PeerName, keys.IdentityKey);
        _owned.Add(credentials);
        var connector = new PeerConnector(credentials, new TransportHandlers());
        _running.Add(connector);
        return connector;
    }

    private sealed record Node(ServiceRegistry Services, EntangledDhtService Dht, TcpConnectionsService Transport,
        IdentityPropagateService Propagate, ProxyServerService? ProxyServer, RelayReceiver? ProxyTransport, RestApi Api);
}
