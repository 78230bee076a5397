using BitDust.Engine.Configuration;
using BitDust.Engine.Network.Identity;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Services;

/// <summary><c>identity-server</c>: serves identity documents on <c>web-port</c> (HTTP) and accepts them on <c>tcp-port</c>.</summary>
public sealed class IdentityServerService(NodeHome home, NodeConfig config, ILoggerFactory loggerFactory) : INetworkService
{
    private IdentityStore? _store;
    private IdentityServer? _server;

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
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
            await _server.DisposeAsync().ConfigureAwait(false);
        _store?.Dispose();
        _server = null;
        _store = null;
    }
}
