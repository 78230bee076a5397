using System.Net;
using BitDust.Engine.Network.Dht;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitDust.Engine.Tests.Network.Dht;

/// <summary>DHT nodes on loopback with real UDP sockets on port 0, stopped when the test ends.</summary>
internal sealed class DhtCluster : IAsyncDisposable
{
    public static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(20);

    private readonly Func<DhtOptions, DhtOptions> _configure;

    public DhtCluster(Func<DhtOptions, DhtOptions>? configure = null) => _configure = configure ?? (o => o);

    public List<DhtNode> Nodes { get; } = [];

    public static IPEndPoint EndPointOf(DhtNode node) => new(IPAddress.Loopback, node.Port);

    public async Task<DhtNode> StartGenesisAsync()
    {
        var node = await DhtNode.StartAsync(_configure(new DhtOptions { BindAddress = IPAddress.Loopback, Genesis = true }),
            NullLogger.Instance, CancellationToken.None).WaitAsync(StepTimeout);
        Nodes.Add(node);
        return node;
    }

    public async Task<DhtNode> StartJoiningAsync(DhtNode through)
    {
        var options = _configure(new DhtOptions { BindAddress = IPAddress.Loopback, KnownNodes = [$"127.0.0.1:{through.Port}"] });
        var node = await DhtNode.StartAsync(options, NullLogger.Instance, CancellationToken.None).WaitAsync(StepTimeout);
        lock (Nodes)
            Nodes.Add(node);
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
            await node.DisposeAsync().AsTask().WaitAsync(StepTimeout);
    }
}
