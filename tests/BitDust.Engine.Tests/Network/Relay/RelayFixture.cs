using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using BitDust.Engine.Crypto;
using BitDust.Engine.Network.Relay;
using BitDust.Engine.Network.Transport;
using BitDust.Engine.Tests.Network.Transport;

namespace BitDust.Engine.Tests.Network.Relay;

/// <summary>Identity documents the relay tests know, name → key; nodes join as they are made.</summary>
internal sealed class Identities : IIdentityResolver
{
    private readonly ConcurrentDictionary<string, IdentityPublicKey> _keys = new(StringComparer.Ordinal);

    public TestNode Add(TestNode node)
    {
        _keys[node.Name] = node.Key.PublicKey;
        return node;
    }

    public ValueTask<IdentityPublicKey?> ResolveAsync(string identity, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_keys.GetValueOrDefault(identity));
}

/// <summary>A router on loopback: its TLS listener on port 0 with the relay attached, and a connector for its probes.</summary>
internal sealed class RouterNode : IAsyncDisposable
{
    private bool _stopped;

    private RouterNode(TestNode node, TransportListener listener, PeerConnector connector, RelayRouter router)
    {
        Node = node;
        Listener = listener;
        Connector = connector;
        Router = router;
    }

    public TestNode Node { get; }

    public TransportListener Listener { get; }

    public PeerConnector Connector { get; }

    public RelayRouter Router { get; }

    public IPEndPoint EndPoint => Listener.LocalEndPoint;

    /// <summary>How a node behind this router is dialed.</summary>
    public PeerContact Route(TestNode target) => new(target.Name, target.Key.PublicKey, EndPoint, Node.Name);

    public static RouterNode Start(string name, Identities identities, RelayRouterOptions? options = null) =>
        Start(identities.Add(TestNode.Create(name)), identities, options);

    /// <summary>A router for <paramref name="node"/>, whose listener knows the identities <paramref name="resolver"/> knows.</summary>
    public static RouterNode Start(TestNode node, IIdentityResolver resolver, RelayRouterOptions? options = null)
    {
        var name = node.Name;
        var listener = node.Listen(resolver);
        var connector = new PeerConnector(node.Credentials, node.Handlers, node.Options, node.Log);
        var router = new RelayRouter(name, connector, options, node.Log);
        router.Attach(listener, node.Handlers);
        return new RouterNode(node, listener, connector, router);
    }

    /// <summary>The router goes away: its port closes and every connection and tunnel with it.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
            return;
        _stopped = true;
        await Router.DisposeAsync().AsTask().WaitAsync(TransportFixture.StepTimeout);
        await Listener.DisposeAsync().AsTask().WaitAsync(TransportFixture.StepTimeout);
        await Connector.DisposeAsync().AsTask().WaitAsync(TransportFixture.StepTimeout);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Node.Dispose();
    }
}

/// <summary>
/// A node behind NAT: it only dials out. Its listener serves the tunnels routers hand it, but its own tcp:// contact points at
/// a port where nothing listens, as a NAT'd address would.
/// </summary>
internal sealed class NatNode : IAsyncDisposable
{
    private readonly ConcurrentQueue<IReadOnlyList<string>> _published = new();

    private NatNode(TestNode node, TransportListener listener, PeerConnector connector)
    {
        Node = node;
        Listener = listener;
        Connector = connector;
    }

    public TestNode Node { get; }

    public TransportListener Listener { get; }

    public PeerConnector Connector { get; }

    public RelayReceiver? Receiver { get; private set; }

    /// <summary>Every contact list the receiver published, in order.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Published => [.. _published];

    public static NatNode Start(string name, Identities identities)
    {
        var node = identities.Add(TestNode.Create(name));
        var listener = node.Listen(identities);
        return new NatNode(node, listener, new PeerConnector(node.Credentials, node.Handlers, node.Options, node.Log));
    }

    /// <summary>Starts routing through the first of <paramref name="routers"/> that takes this node.</summary>
    public RelayReceiver StartReceiver(
        Func<IReadOnlyList<EndPoint>> routers, string? directContact = null, RelayFlags flags = RelayFlags.None)
    {
        Receiver = new RelayReceiver(Connector, Listener, Node.Handlers, _ => Task.FromResult(routers()),
            directContact ?? $"tcp://127.0.0.1:{RelayFixture.ClosedPort()}", flags,
            (contacts, _) =>
            {
                _published.Enqueue(contacts);
                return Task.CompletedTask;
            },
            RelayFixture.FastReceiver, Node.Log);
        Receiver.Start();
        return Receiver;
    }

    public async ValueTask DisposeAsync()
    {
        if (Receiver is not null)
            await Receiver.DisposeAsync().AsTask().WaitAsync(TransportFixture.StepTimeout);
        await Connector.DisposeAsync().AsTask().WaitAsync(TransportFixture.StepTimeout);
        await Listener.DisposeAsync().AsTask().WaitAsync(TransportFixture.StepTimeout);
        Node.Dispose();
    }
}

/// <summary>
/// A TCP tap between a dialer and a router: forwards both ways and keeps every byte, so a test can see what the router was
/// given to splice.
/// </summary>
internal sealed class WireTap : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly IPEndPoint _target;
    private readonly MemoryStream _seen = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _tasks = [];
    private readonly Task _accepting;

    public WireTap(IPEndPoint target)
    {
        _target = target;
        _socket.Bind(TransportFixture.AnyLoopbackPort);
        _socket.Listen();
        _accepting = AcceptAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>Everything that went through, both directions.</summary>
    public byte[] Seen
    {
        get
        {
            lock (_seen)
                return _seen.ToArray();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        await _accepting.WaitAsync(TransportFixture.StepTimeout);
        await Task.WhenAll(_tasks).WaitAsync(TransportFixture.StepTimeout);
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _socket.AcceptAsync(_stop.Token);
                var server = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await server.ConnectAsync(_target, _stop.Token);
                var pumps = Task.WhenAll(PumpAsync(client, server), PumpAsync(server, client));
                _tasks.Add(pumps.ContinueWith(_ =>
                {
                    client.Dispose();
                    server.Dispose();
                }, TaskScheduler.Default));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, _stop.Token)) > 0)
            {
                lock (_seen)
                    _seen.Write(buffer, 0, read);
                await to.SendAsync(buffer.AsMemory(0, read), _stop.Token);
            }
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            to.Dispose();
        }
    }
}

internal static class RelayFixture
{
    /// <summary>Intervals short enough that a test sees keeps, retries and switches within a second or two.</summary>
    public static readonly RelayReceiverOptions FastReceiver = new()
    {
        KeepInterval = TimeSpan.FromMilliseconds(100), RetryDelay = TimeSpan.FromMilliseconds(200),
        AvoidFailedRouter = TimeSpan.FromSeconds(30), TunnelTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>A loopback port nothing listens on (bound for a moment, then closed).</summary>
    public static int ClosedPort()
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(TransportFixture.AnyLoopbackPort);
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
