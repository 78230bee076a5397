using BitDust.Engine.Common;
using BitDust.Engine.Host.Configuration;
using BitDust.Engine.Host.Services;
using BitDust.Engine.Identity;
using BitDust.Fs.Drive;
using BitDust.Fs.Stubs;
using Microsoft.Extensions.Logging;

namespace BitDust.Mount.Daemon;

/// <summary>The parts of a node and the services it can run; the registry starts those switched on in config.</summary>
internal sealed class NodeServices : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(15) };

    public NodeServices(NodeHome home, NodeConfig config, ILoggerFactory loggerFactory)
    {
        var client = new IdentityClient(_http);
        Owner = new OwnerIdentity(home, client);
        var dht = new EntangledDhtService(config, loggerFactory);
        Resolver = new NetworkIdentityResolver(client, new IdentityCache(), config, dht);
        var transport = new TcpConnectionsService(config, Owner, Resolver, loggerFactory);
        var customer = new CustomerService(home, config, Owner, transport, dht, Resolver, loggerFactory);
        var rebuilding = new RebuildingService(customer, loggerFactory);
        var propagate = new IdentityPropagateService(config, Owner, client, transport, dht,
            loggerFactory.CreateLogger<IdentityPropagateService>());
        All =
        [
            dht,
            new IdentityServerService(home, config, dht, loggerFactory),
            transport,
            propagate,
            // Before proxy-transport: a router whose config has both switched on (set by hand) keeps routing.
            new ProxyServerService(config, Owner, transport, dht, loggerFactory),
            new ProxyTransportService(config, transport, dht, propagate, loggerFactory),
            new SupplierService(home, config, transport, dht, loggerFactory.CreateLogger<SupplierService>()),
            customer,
            rebuilding,
            new EmployerService(customer, rebuilding, config, Resolver, loggerFactory),
            new DriveService(home, config, customer, loggerFactory),
            new StubMirrorService(home, customer, loggerFactory),
        ];
    }

    public OwnerIdentity Owner { get; }

    public NetworkIdentityResolver Resolver { get; }

    public IReadOnlyList<INetworkService> All { get; }

    public void Dispose() => _http.Dispose();
}
