using BitDust.Engine.Host.Configuration;
using BitDust.Engine.Network.Dht;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Host.Services;

/// <summary>
/// <c>entangled-dht</c>: a node of the Kademlia DHT (Mainline DHT protocol, BEP 5/44) on <c>udp-port</c>, started as
/// <c>genesis</c> or joining through <c>known-nodes</c>. The key names stay BitDust's.
/// </summary>
public sealed class EntangledDhtService(NodeConfig config, ILoggerFactory loggerFactory) : INetworkService
{
    private DhtNode? _node;

    public string Name => "entangled-dht";

    public IReadOnlyList<string> DependsOn => [];

    public string State => _node switch
    {
        null => "OFF",
        { ContactCount: 0 } when !IsGenesis => "JOINING",
        _ => "READY",
    };

    public DhtNode? Node => _node;

    private bool IsGenesis => config.Get(ConfigKeys.EntangledDhtKnownNodes) == "genesis";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var lifetime = TimeSpan.FromSeconds(config.GetInteger(ConfigKeys.EntangledDhtItemLifetime));
        _node = await DhtNode.StartAsync(new DhtOptions
        {
            Port = config.GetPort(ConfigKeys.EntangledDhtUdpPort),
            Genesis = IsGenesis,
            KnownNodes = config.GetList(ConfigKeys.EntangledDhtKnownNodes),
            ItemLifetime = lifetime,
            // Put again at half the lifetime, and look for expired items often enough that "lifetime" is what it says.
            RepublishInterval = lifetime / 2,
            MaintenanceInterval = TimeSpan.FromSeconds(Math.Min(60, lifetime.TotalSeconds / 4)),
        }, loggerFactory.CreateLogger<DhtNode>(), cancellationToken).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_node is not null)
            await _node.DisposeAsync().ConfigureAwait(false);
        _node = null;
    }
}
