using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Network.Dht;

/// <summary>
/// A Kademlia node speaking the BitTorrent Mainline DHT protocol: BEP 5 (KRPC over UDP: ping, find_node,
/// get_peers, announce_peer) and BEP 44 (get/put of immutable and ed25519-signed mutable items).
/// It serves other nodes from the moment it starts and exposes lookups, announces and item storage to BitDust.
/// </summary>
public sealed partial class DhtNode : IAsyncDisposable
{
    private readonly DhtOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Socket _socket;
    private readonly RoutingTable _routing;
    private readonly Lock _routingLock = new();
    private readonly DhtItemStore _store;
    private readonly WriteTokens _tokens;
    private readonly SourceRateLimiter _rateLimiter;
    private readonly ConcurrentDictionary<ushort, PendingQuery> _pending = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task _receiveLoop = Task.CompletedTask;
    private Task _maintenanceLoop = Task.CompletedTask;
    private int _nextTransaction = Random.Shared.Next();

    private DhtNode(DhtOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _time = options.TimeProvider;
        NodeId = options.NodeId ?? NodeId.Random();
        _routing = new RoutingTable(NodeId, _time.GetUtcNow());
        _store = new DhtItemStore(options.ItemLifetime);
        _tokens = new WriteTokens(_time, options.TokenRotation);
        _rateLimiter = new SourceRateLimiter(options.RateLimitPerSecond, options.RateLimitBurst, _time);
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    }

    public NodeId NodeId { get; }

    /// <summary>The UDP port the node is bound to (the one the system picked when asked for port 0).</summary>
    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    /// <summary>Nodes in the routing table (the "contacts" of /network/status/v1?dht=1).</summary>
    public int ContactCount
    {
        get
        {
            lock (_routingLock)
                return _routing.Count;
        }
    }

    /// <summary>How often this node puts again what its owner put (<see cref="DhtOptions.RepublishInterval"/>).</summary>
    public TimeSpan RepublishInterval => _options.RepublishInterval;

    /// <summary>Items this node stores for others.</summary>
    public int StoredItemCount => _store.ItemCount;

    /// <summary>
    /// Binds the socket, starts serving, and (unless genesis) joins through <see cref="DhtOptions.KnownNodes"/>.
    /// A network where no known node answers yet is not fatal: the node retries at every maintenance.
    /// </summary>
    public static async Task<DhtNode> StartAsync(DhtOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        var node = new DhtNode(options, logger);
        try
        {
            node._socket.Bind(new IPEndPoint(options.BindAddress, options.Port));
        }
        catch
        {
            node._socket.Dispose();
            throw;
        }
        node._receiveLoop = Task.Run(() => node.ReceiveLoopAsync(node._stopping.Token), CancellationToken.None);
        node._maintenanceLoop = Task.Run(() => node.MaintenanceLoopAsync(node._stopping.Token), CancellationToken.None);
        Log.Started(logger, node.NodeId, node.Port);
        if (!options.Genesis && options.KnownNodes.Count > 0)
            await node.BootstrapAsync(options.KnownNodes.Select(DhtEndPoints.Parse), cancellationToken).ConfigureAwait(false);
        return node;
    }

    /// <summary>
    /// Joins the network through <paramref name="knownNodes"/>: looks itself up, then a random id in each farther bucket; true
    /// when at least one of the known nodes answered.
    /// </summary>
    public async Task<bool> BootstrapAsync(IEnumerable<EndPoint> knownNodes, CancellationToken cancellationToken)
    {
        var asked = knownNodes.ToList();
        var greetings = asked.Select(async endPoint =>
        {
            IPEndPoint? resolved;
            try
            {
                resolved = await DhtEndPoints.ResolveAsync(endPoint, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                Log.Unresolved(_logger, endPoint, e);
                return false;
            }
            if (resolved is null)
            {
                Log.Unresolved(_logger, endPoint, null);
                return false;
            }
            var answer = await QueryAsync(resolved, "find_node", new BencodeDictionary { { "target", NodeId.Bytes } }, cancellationToken)
                .ConfigureAwait(false);
            return answer is { Kind: KrpcMessageKind.Response };
        }).ToList();
        var answered = (await Task.WhenAll(greetings).ConfigureAwait(false)).Count(a => a);
        if (answered == 0)
        {
            Log.BootstrapFailed(_logger, string.Join(", ", asked));
            return false;
        }
        await FindNodeAsync(NodeId, cancellationToken).ConfigureAwait(false);
        List<NodeId> far;
        lock (_routingLock)
            far = _routing.FarBucketTargets(Now);
        await Task.WhenAll(far.Select(target => FindNodeAsync(target, cancellationToken))).ConfigureAwait(false);
        Log.Bootstrapped(_logger, ContactCount);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
            return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await Task.WhenAll(_receiveLoop, _maintenanceLoop).ConfigureAwait(false);
        foreach (var pending in _pending.Values)
            pending.Completion.TrySetCanceled();
        _stopping.Dispose();
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    private List<DhtContact> ClosestContacts(NodeId target, int count)
    {
        lock (_routingLock)
            return _routing.Closest(target, count, Now);
    }

    private void Observe(DhtContact contact, bool responded)
    {
        lock (_routingLock)
            _routing.Observe(contact, responded, Now);
    }
}
