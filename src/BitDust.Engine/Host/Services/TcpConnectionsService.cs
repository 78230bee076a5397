using System.Net;
using BitDust.Engine.Host.Configuration;
using BitDust.Engine.Identity;
using BitDust.Engine.Network.Transport;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Host.Services;

/// <summary>
/// <c>tcp-connections</c>: TLS 1.3 connections with other nodes, authenticated by identity keys. It needs this node's
/// identity; without one it stays off and says how to make one.
/// </summary>
public sealed class TcpConnectionsService(NodeConfig config, OwnerIdentity owner, IIdentityResolver resolver, ILoggerFactory loggerFactory)
    : INetworkService
{
    private TransportCredentials? _credentials;
    private TransportListener? _listener;
    private PeerConnector? _connector;

    public string Name => "tcp-connections";

    public IReadOnlyList<string> DependsOn => [];

    public string State => _listener is null ? "OFF" : "LISTEN";

    /// <summary>The bound port, once listening.</summary>
    public int? Port => _listener?.LocalEndPoint.Port;

    public PeerConnector? Connector => _connector;

    /// <summary>The listener, once listening: routers serve their relay on its port, routed nodes hand it their tunnels.</summary>
    public TransportListener? Listener => _listener;

    public IReadOnlyCollection<PeerConnection> Connections => _listener?.Connections ?? [];

    public TransportHandlers Handlers { get; } = new();

    /// <summary>How this node names itself to peers: its identity URL on its first server, or its bare name.</summary>
    public static string SelfName(IdentityDocument document) => document.PeerName;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var document = owner.TryLoad() ?? throw new InvalidOperationException("no identity yet: create one with `bitdust identity create NAME`");
        using var keys = owner.LoadKeys();
        _credentials = TransportCredentials.Create(SelfName(document), keys.IdentityKey);
        var logger = loggerFactory.CreateLogger<TransportListener>();
        _listener = TransportListener.Start(new IPEndPoint(IPAddress.Any, config.GetPort(ConfigKeys.TcpConnectionsTcpPort)), _credentials,
            resolver, Handlers, logger: logger);
        _connector = new PeerConnector(_credentials, Handlers, logger: loggerFactory.CreateLogger<PeerConnector>());
        await Task.CompletedTask.ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_connector is not null)
            await _connector.DisposeAsync().ConfigureAwait(false);
        if (_listener is not null)
            await _listener.DisposeAsync().ConfigureAwait(false);
        _credentials?.Dispose();
        (_connector, _listener, _credentials) = (null, null, null);
    }
}
