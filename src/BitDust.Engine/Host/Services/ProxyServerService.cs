using BitDust.Engine.Host.Configuration;
using BitDust.Engine.Identity;
using BitDust.Engine.Network.Dht;
using BitDust.Engine.Network.Relay;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Host.Services;

/// <summary>
/// <c>proxy-server</c>: this node is a router for nodes behind NAT (<see cref="RelayRouter"/>). It serves the relay on the
/// tcp-connections port, routes at most <c>routes-limit</c> nodes, and announces itself in the DHT under the network's
/// routers info-hash so routed nodes find it. It never runs beside proxy-transport.
/// </summary>
public sealed class ProxyServerService(NodeConfig config, OwnerIdentity owner, TcpConnectionsService transport, EntangledDhtService dht,
    ILoggerFactory loggerFactory) : INetworkService
{
    /// <summary>How often the announcement is renewed once some DHT node holds it.</summary>
    public static readonly TimeSpan AnnounceInterval = TimeSpan.FromMinutes(5);

    private RelayRouter? _router;
    private Task? _announcing;
    private CancellationTokenSource? _stop;

    public string Name => "proxy-server";

    public IReadOnlyList<string> DependsOn => ["tcp-connections"];

    public IReadOnlyList<string> ConflictsWith => ["proxy-transport"];

    public string State => _router is null ? "OFF" : "LISTEN";

    /// <summary>The router, while the service runs.</summary>
    public RelayRouter? Router => _router;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var document = owner.TryLoad()
            ?? throw new InvalidOperationException("no identity yet: create one with `bitdust identity create NAME`");
        var listener = transport.Listener ?? throw new InvalidOperationException("tcp-connections is not listening");
        var connector = transport.Connector ?? throw new InvalidOperationException("tcp-connections is not running");
        var options = new RelayRouterOptions { RoutesLimit = (int)config.GetInteger(ConfigKeys.ProxyServerRoutesLimit) };
        _router = new RelayRouter(document.Name, connector, options, loggerFactory.CreateLogger<RelayRouter>());
        _router.Attach(listener, transport.Handlers);
        if (dht.Node is { } node && transport.Port is { } port)
        {
            _stop = new CancellationTokenSource();
            _announcing = DhtAnnouncer.KeepAnnouncedAsync(node, DhtInfoHash.Routers(DhtInfoHash.DefaultNetwork), port, "router",
                AnnounceInterval, loggerFactory.CreateLogger<ProxyServerService>(), _stop.Token);
        }
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_router is not null && transport.Listener is { } listener)
            _router.Detach(listener, transport.Handlers);
        if (_stop is not null)
            await _stop.CancelAsync().ConfigureAwait(false);
        if (_announcing is not null)
            await _announcing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_router is not null)
            await _router.DisposeAsync().ConfigureAwait(false);
        _stop?.Dispose();
        (_router, _announcing, _stop) = (null, null, null);
    }
}
