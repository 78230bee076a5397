using System.Net;
using System.Text.Json;
using BitDust.Engine.Common;
using BitDust.Engine.Host.Api;
using BitDust.Engine.Host.Configuration;
using BitDust.Engine.Host.Services;
using BitDust.Engine.Identity;
using BitDust.Engine.Network.Transport;
using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Protocol;
using BitDust.Engine.Tests.Network.Transport;
using Microsoft.Extensions.Logging.Abstractions;
using static BitDust.Engine.Tests.Storage.Protocol.SupplierHarness;

namespace BitDust.Engine.Tests.Storage.Supplier;

/// <summary>The <c>supplier</c> service in a node of its own (DHT, TLS transport, REST API), with a customer dialing it.</summary>
public sealed class SupplierServiceTests : IDisposable
{
    private readonly NodeHome _home = new(Directory.CreateTempSubdirectory("bitdust-supplier-node-").FullName);
    private readonly HttpClient _http = new() { Timeout = StepTimeout };

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_home.Root, recursive: true);
    }

    [Fact]
    public async Task The_service_serves_customers_and_reports_donated_space_and_customers_over_rest_until_it_stops()
    {
        _home.Create();
        var config = NodeConfig.Load(_home);
        foreach (var (name, value) in new[]
                 {
                     ("services/supplier/enabled", "true"), ("services/supplier/donated-space", "1 MB"),
                     ("services/tcp-connections/tcp-port", "0"), ("services/entangled-dht/udp-port", "0"),
                     ("services/entangled-dht/known-nodes", "genesis"), ("services/identity-propagate/enabled", "false"),
                 })
            await config.SetAsync(name, value).WaitAsync(StepTimeout);
        var client = new IdentityClient(_http);
        var owner = new OwnerIdentity(_home, client);
        var document = await owner.CreateAsync("supplier", [], [], CancellationToken.None).WaitAsync(StepTimeout);
        using var alice = TestNode.Create("alice");

        var dht = new EntangledDhtService(config, NullLoggerFactory.Instance);
        var transport = new TcpConnectionsService(config, owner, new KnownIdentities(alice), NullLoggerFactory.Instance);
        var supplier = new SupplierService(_home, config, transport, dht, NullLogger<SupplierService>.Instance);
        await using var services = new ServiceRegistry([dht, transport, supplier], config, NullLogger.Instance);
        await services.StartAsync(CancellationToken.None).WaitAsync(StepTimeout);
        Assert.Equal("READY", supplier.State);

        var resolver = new NetworkIdentityResolver(client, new IdentityCache(), config, dht);
        var context = new NodeApiContext(_home, config, services, owner, resolver, DateTimeOffset.UtcNow, () => { });
        await using var api = RestApi.Create(0, token: null, logs: null, routes => SupplierSpaceEndpoints.Map(routes, context));
        await api.StartAsync(CancellationToken.None).WaitAsync(StepTimeout);

        await using var connector = new PeerConnector(alice.Credentials, alice.Handlers, alice.Options, alice.Log);
        var contact = new PeerContact(document.PeerName, document.PublicKey, new IPEndPoint(IPAddress.Loopback, transport.Port!.Value));
        var customer = new SupplierClient(connector, contact);
        await customer.RequestSpaceAsync(300_000, CancellationToken.None).WaitAsync(StepTimeout);
        var key = Key(FileVersion.NewFile());
        await customer.PutFragmentAsync(key, Fragment(key, 936), CancellationToken.None).WaitAsync(StepTimeout);
        Assert.True(File.Exists(Path.Combine(_home.DataFolder, "supplier", "index.db")));

        var (status, donated) = await GetAsync(api, "/space/donated/v1");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("OK", donated.GetProperty("status").GetString());
        var space = donated.GetProperty("result");
        Assert.Equal((1L << 20, 300_000L, 1000L, (1L << 20) - 300_000, 1L),
            (Number(space, "donated_bytes"), Number(space, "granted_bytes"), Number(space, "used_bytes"), Number(space, "free_bytes"),
             Number(space, "customers")));
        var (_, customers) = await GetAsync(api, "/customer/list/v1");
        var listed = Assert.Single(customers.GetProperty("result").EnumerateArray());
        Assert.Equal("alice", listed.GetProperty("customer").GetString());
        Assert.Equal(alice.Key.PublicKey.Fingerprint, listed.GetProperty("key_fingerprint").GetString());
        Assert.Equal((300_000L, 1000L, 1L), (Number(listed, "quota_bytes"), Number(listed, "used_bytes"), Number(listed, "fragments")));

        await services.StopAsync(CancellationToken.None).WaitAsync(StepTimeout);
        var (stoppedStatus, stopped) = await GetAsync(api, "/space/donated/v1");
        Assert.Equal(HttpStatusCode.Conflict, stoppedStatus);
        Assert.Contains("services/supplier/enabled", stopped.GetProperty("errors")[0].GetString(), StringComparison.Ordinal);
    }

    private static long Number(JsonElement element, string name) => element.GetProperty(name).GetInt64();

    private async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(RestApi api, string path)
    {
        using var response = await _http.GetAsync(new Uri($"http://127.0.0.1:{api.Port}{path}")).WaitAsync(StepTimeout);
        var body = await response.Content.ReadAsStringAsync().WaitAsync(StepTimeout);
        return (response.StatusCode, JsonDocument.Parse(body).RootElement.Clone());
    }
}
