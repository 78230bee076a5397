using BitDust.Engine.Configuration;
using BitDust.Engine.Network.Identity;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Services;

/// <summary>
/// <c>identity-server</c>: serves identity documents on <c>web-port</c> (HTTP) and accepts them on <c>tcp-port</c>. When the
/// DHT runs, the server announces its web port there, so nodes can find identity servers they were not told about.
/// </summary>
public sealed partial class IdentityServerService(NodeHome home, NodeConfig config, EntangledDhtService dht, ILoggerFactory loggerFactory)
    : INetworkService
{
    private IdentityStore? _store;
    private IdentityServer? _server;
    private Task? _announcing;
    private CancellationTokenSource? _stop;

    public string Name => "identity-server";

    public IReadOnlyList<string> DependsOn => [];

    public string State => _server is null ? "OFF" : "LISTEN";

    public IdentityServer? Server => _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _store = await IdentityStore.OpenAsync(Path.Combine(home.Root, "identity-server"), logger: loggerFactory.CreateLogger<IdentityStore>(),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        _server = await IdentityServer.StartAsync(new IdentityServerOptions
        {
            Host = config.Get("services/identity-server/host"),
            WebPort = config.GetPort("services/identity-server/web-port"),
            TcpPort = config.GetPort("services/identity-server/tcp-port"),
        }, _store, loggerFactory, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (dht.Node is { } node)
        {
            _stop = new CancellationTokenSource();
            _announcing = AnnounceAsync(node, _server.WebPort, loggerFactory.CreateLogger<IdentityServerService>(), _stop.Token);
        }
    }

    // Until some node holds the announcement (a genesis node starts alone) it is retried soon; after that, refreshed well
    // before the nodes holding it let it expire.
    private static async Task AnnounceAsync(Network.Dht.DhtNode node, int webPort, ILogger logger, CancellationToken cancellationToken)
    {
        var infoHash = Network.Dht.DhtInfoHash.IdentityServers(Network.Dht.DhtInfoHash.DefaultNetwork);
        while (!cancellationToken.IsCancellationRequested)
        {
            var copies = 0;
            try
            {
                copies = (await node.AnnounceAsync(infoHash, webPort, cancellationToken).ConfigureAwait(false)).Copies;
                if (copies > 0)
                    LogAnnounced(logger, webPort, copies);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogAnnounceFailed(logger, e);
            }
            await Task.Delay(copies > 0 ? TimeSpan.FromMinutes(30) : TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "identity server announced in the DHT (web port {Port}, {Copies} nodes hold it)")]
    private static partial void LogAnnounced(ILogger logger, int port, int copies);

    [LoggerMessage(Level = LogLevel.Warning, Message = "identity server could not be announced in the DHT")]
    private static partial void LogAnnounceFailed(ILogger logger, Exception exception);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stop is not null)
            await _stop.CancelAsync().ConfigureAwait(false);
        if (_announcing is not null)
            await _announcing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop?.Dispose();
        (_stop, _announcing) = (null, null);
        if (_server is not null)
            await _server.DisposeAsync().ConfigureAwait(false);
        _store?.Dispose();
        _server = null;
        _store = null;
    }
}
