using BitDust.Engine.Common;
using BitDust.Engine.Host.Configuration;
using BitDust.Engine.Identity;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Host.Services;

/// <summary>
/// <c>identity-server</c>: serves identity documents on <c>web-port</c> (HTTP) and accepts them on <c>tcp-port</c>. When the
/// DHT runs, the server announces its web port there, so nodes can find identity servers they were not told about.
/// </summary>
public sealed class IdentityServerService(NodeHome home, NodeConfig config, EntangledDhtService dht, ILoggerFactory loggerFactory)
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
            Host = config.Get(ConfigKeys.IdentityServerHost),
            WebPort = config.GetPort(ConfigKeys.IdentityServerWebPort),
            TcpPort = config.GetPort(ConfigKeys.IdentityServerTcpPort),
        }, _store, loggerFactory, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (dht.Node is { } node)
        {
            _stop = new CancellationTokenSource();
            var infoHash = Network.Dht.DhtInfoHash.IdentityServers(Network.Dht.DhtInfoHash.DefaultNetwork);
            _announcing = DhtAnnouncer.KeepAnnouncedAsync(node, infoHash, _server.WebPort, "identity server", TimeSpan.FromMinutes(30),
                loggerFactory.CreateLogger<IdentityServerService>(), _stop.Token);
        }
    }

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
