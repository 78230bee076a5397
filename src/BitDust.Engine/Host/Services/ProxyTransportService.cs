using System.Globalization;
using System.Net;
using BitDust.Engine.Host.Configuration;
using BitDust.Engine.Network.Dht;
using BitDust.Engine.Network.Relay;
using BitDust.Engine.Network.Transport;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Host.Services;

/// <summary>
/// <c>proxy-transport</c>: keeps this node reachable from behind NAT (<see cref="RelayReceiver"/>). It asks a router whether
/// its tcp:// contact can be dialed; if so it stays DIRECT and changes nothing. If not, it registers with a router — those in
/// <c>preferred-routers</c> first, then those announced in the DHT — and has identity-propagate publish the router's
/// <c>relay://</c> contact, again whenever it switches router. On by default, as in BitDust; never beside proxy-server.
/// </summary>
public sealed class ProxyTransportService(NodeConfig config, TcpConnectionsService transport, EntangledDhtService dht,
    IdentityPropagateService propagate, ILoggerFactory loggerFactory) : INetworkService
{
    private RelayReceiver? _receiver;

    public string Name => "proxy-transport";

    public IReadOnlyList<string> DependsOn => ["tcp-connections", "entangled-dht", "identity-propagate"];

    public IReadOnlyList<string> ConflictsWith => ["proxy-server"];

    /// <summary>OFF, or the receiver's: CONNECTING, CONNECTED, DIRECT or NO_ROUTERS.</summary>
    public string State => _receiver?.State ?? "OFF";

    /// <summary>The receiver (its router, its published contacts), while the service runs.</summary>
    public RelayReceiver? Receiver => _receiver;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var listener = transport.Listener ?? throw new InvalidOperationException("tcp-connections is not listening");
        var connector = transport.Connector ?? throw new InvalidOperationException("tcp-connections is not running");
        var flags = config.GetBoolean(ConfigKeys.SupplierEnabled) ? RelayFlags.Supplier : RelayFlags.None;
        var direct = (await propagate.DirectContactsAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        _receiver = new RelayReceiver(connector, listener, transport.Handlers, FindRoutersAsync, direct, flags, propagate.RouteThroughAsync,
            logger: loggerFactory.CreateLogger<RelayReceiver>());
        _receiver.Start();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_receiver is not null)
            await _receiver.DisposeAsync().ConfigureAwait(false);
        _receiver = null;
    }

    /// <summary>The preferred routers in their order, then those the DHT knows, each address once.</summary>
    private async Task<IReadOnlyList<EndPoint>> FindRoutersAsync(CancellationToken cancellationToken)
    {
        var routers = config.GetList(ConfigKeys.ProxyTransportPreferredRouters).Select(ParseHostPort).ToList();
        if (dht.Node is { } node)
        {
            var announced = await node.GetPeersAsync(DhtInfoHash.Routers(DhtInfoHash.DefaultNetwork), cancellationToken)
                .ConfigureAwait(false);
            routers.AddRange(announced);
        }
        return routers.DistinctBy(PeerContact.FormatEndPoint, StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>host:port as config validated it: an address, or a name resolved when dialed.</summary>
    private static EndPoint ParseHostPort(string entry)
    {
        var colon = entry.LastIndexOf(':');
        var host = entry[..colon].Trim('[', ']');
        var port = int.Parse(entry.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture);
        return IPAddress.TryParse(host, out var address) ? new IPEndPoint(address, port) : new DnsEndPoint(host, port);
    }
}
