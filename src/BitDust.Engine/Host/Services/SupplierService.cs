using BitDust.Engine.Common;
using BitDust.Engine.Host.Configuration;
using BitDust.Engine.Network.Dht;
using BitDust.Engine.Storage.Supplier;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Host.Services;

/// <summary>
/// <c>supplier</c>: donates <c>services/supplier/donated-space</c> to customers. It keeps their fragments in
/// <c>DATA/supplier</c>, answers the storage protocol on the node's TLS connections, and announces itself in the DHT
/// under the network's supplier info-hash so customers can find it. It keeps its customers' family records alive in the DHT
/// (<see cref="FamilyKeeper"/>), so a customer back after months finds its family again.
/// </summary>
public sealed partial class SupplierService(NodeHome home, NodeConfig config, TcpConnectionsService transport, EntangledDhtService dht,
    ILogger<SupplierService> logger) : INetworkService
{
    /// <summary>How often the announcement is renewed once some DHT node holds it.</summary>
    public static readonly TimeSpan AnnounceInterval = TimeSpan.FromMinutes(5);

    private FragmentStore? _store;
    private Task? _announcing;
    private CancellationTokenSource? _stop;

    public string Name => "supplier";

    public IReadOnlyList<string> DependsOn => ["tcp-connections", "entangled-dht"];

    public string State => _store is null ? "OFF" : "READY";

    /// <summary>The store, while the service runs.</summary>
    public FragmentStore? Store => _store;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var port = transport.Port ?? throw new InvalidOperationException("tcp-connections is not listening");
        var folder = Path.Combine(home.DataFolder, "supplier");
        _store = await FragmentStore.OpenAsync(folder, () => config.GetSize(ConfigKeys.SupplierDonatedSpace), cancellationToken)
            .ConfigureAwait(false);
        if (_store.Recovery is { } recovery && recovery != new StoreRecovery(0, 0, 0))
            LogRecovered(_store.Folder, recovery.TempFilesDeleted, recovery.MissingFragmentsDropped, recovery.OrphanFilesDeleted);
        SupplierHandlers.Map(transport.Handlers, _store);
        if (dht.Node is { } node)
        {
            _stop = new CancellationTokenSource();
            var keeper = new FamilyKeeper(_store, node, logger);
            _announcing = Task.WhenAll(
                DhtAnnouncer.KeepAnnouncedAsync(node, DhtInfoHash.Suppliers(DhtInfoHash.DefaultNetwork), port, "supplier",
                    AnnounceInterval, logger, _stop.Token),
                keeper.RunAsync(_stop.Token));
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        SupplierHandlers.Unmap(transport.Handlers);
        if (_stop is not null)
            await _stop.CancelAsync().ConfigureAwait(false);
        if (_announcing is not null)
            await _announcing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop?.Dispose();
        _store?.Dispose();
        (_stop, _announcing, _store) = (null, null, null);
    }

    [LoggerMessage(EventId = 4119, Level = LogLevel.Warning,
        Message = "supplier store {Folder} recovered from an unclean stop: {Temporary} temporary files deleted, " +
                  "{Missing} fragments whose file was gone forgotten, {Orphans} unindexed files deleted")]
    private partial void LogRecovered(string folder, int temporary, int missing, int orphans);
}
