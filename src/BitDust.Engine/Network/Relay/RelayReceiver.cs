using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using BitDust.Engine.Network.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitDust.Engine.Network.Relay;

/// <summary>
/// A node's side of routing (BitDust's proxy-transport). First it asks a router to dial its own <c>tcp://</c> contact back: a
/// node that can be reached stays DIRECT and changes nothing. Otherwise it registers with a router, keeps the route alive on
/// that connection, publishes <c>relay://router-host:port/router</c> as its contact, and answers each <c>relay.incoming</c>
/// by dialing the router with the token and serving the tunnel as an accepted connection (the same handshake, handlers and
/// connection list). When the router goes away or refuses it, it registers with another (the failed one last, for a while)
/// and publishes again.
/// </summary>
public sealed partial class RelayReceiver : IAsyncDisposable
{
    private readonly PeerConnector _connector;
    private readonly TransportListener _listener;
    private readonly TransportHandlers _handlers;
    private readonly Func<CancellationToken, Task<IReadOnlyList<EndPoint>>> _findRouters;
    private readonly string? _directContact;
    private readonly RelayFlags _flags;
    private readonly Func<IReadOnlyList<string>, CancellationToken, Task> _publish;
    private readonly RelayReceiverOptions _options;
    private readonly ILogger _logger;
    private readonly Dictionary<string, long> _avoidUntil = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _tasksLock = new();
    private readonly List<Task> _tasks = [];
    private volatile Session? _session;
    private volatile string _state = RelayReceiverState.Connecting;
    private volatile IReadOnlyList<string>? _contacts;
    private Task? _running;

    /// <param name="listener">Serves the tunnels, as it serves the connections it accepts.</param>
    /// <param name="handlers">Where <c>relay.incoming</c> is answered: the handlers of the connections to routers.</param>
    /// <param name="findRouters">The addresses of routers to try, best first (configured ones, then those in the DHT).</param>
    /// <param name="directContact">This node's own <c>tcp://</c> contact, to be probed; null skips the probe (always routed).</param>
    /// <param name="publish">Publishes the identity with the given contacts, each time the router changes (in the background:
    /// the route is kept alive meanwhile).</param>
    public RelayReceiver(PeerConnector connector, TransportListener listener, TransportHandlers handlers,
        Func<CancellationToken, Task<IReadOnlyList<EndPoint>>> findRouters, string? directContact, RelayFlags flags,
        Func<IReadOnlyList<string>, CancellationToken, Task> publish, RelayReceiverOptions? options = null, ILogger? logger = null)
    {
        _connector = connector;
        _listener = listener;
        _handlers = handlers;
        _findRouters = findRouters;
        _directContact = directContact;
        _flags = flags;
        _publish = publish;
        _options = options ?? new RelayReceiverOptions();
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>One of <see cref="RelayReceiverState"/>.</summary>
    public string State => _state;

    /// <summary>The router this node is registered with now, or null.</summary>
    public RouterCandidate? Router => _session?.Router;

    /// <summary>The contacts last published through a router, or null while none was (direct, or not routed yet).</summary>
    public IReadOnlyList<string>? Contacts => _contacts;

    /// <summary>Starts answering <c>relay.incoming</c> and looking for a router.</summary>
    public void Start()
    {
        if (_running is not null)
            throw new InvalidOperationException("The receiver runs already.");
        _handlers.MapRequest(RelayMessages.Incoming, IncomingAsync);
        _running = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
            return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        _handlers.UnmapRequest(RelayMessages.Incoming);
        if (_running is not null)
            await _running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Task[] tasks;
        lock (_tasksLock)
            tasks = [.. _tasks];
        // Tunnels being taken and publications end with the cancellation; how is theirs to log.
        await Task.WhenAll(tasks).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_directContact is not null && await ProbeUntilAnsweredAsync(_directContact, cancellationToken).ConfigureAwait(false))
            {
                _state = RelayReceiverState.Direct;
                return;
            }
            while (true)
            {
                var routed = false;
                await foreach (var router in RoutersAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (await ServeThroughAsync(router, cancellationToken).ConfigureAwait(false))
                    {
                        routed = true;
                        break;
                    }
                }
                if (routed)
                    continue;
                _state = RelayReceiverState.NoRouters;
                _logger.NoRouters(_options.RetryDelay);
                await Task.Delay(_options.RetryDelay, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            _session = null;
        }
    }

    /// <summary>Asks routers, one after another, to dial <paramref name="contact"/>; true when one found this node there.</summary>
    private async Task<bool> ProbeUntilAnsweredAsync(string contact, CancellationToken cancellationToken)
    {
        while (true)
        {
            await foreach (var router in RoutersAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    var result = await new RouterClient(_connector, router).ProbeAsync(contact, cancellationToken).ConfigureAwait(false);
                    _logger.ProbeAnswered(router.ToString(), contact, result.Reachable, result.Reason);
                    return result.Reachable;
                }
                catch (Exception e) when (IsRouterFailure(e, cancellationToken))
                {
                    _logger.RouterFailed(router.ToString(), "probe", e.Message);
                }
            }
            _state = RelayReceiverState.NoRouters;
            _logger.NoRouters(_options.RetryDelay);
            await Task.Delay(_options.RetryDelay, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The routers to try, identified one at a time as they are reached: those that did not fail lately first, then the
    /// others. A router announced at several addresses is tried once.
    /// </summary>
    private async IAsyncEnumerable<RouterCandidate> RoutersAsync(
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IReadOnlyList<EndPoint> endPoints;
        try
        {
            endPoints = await _findRouters(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A DHT lookup that fails is a round without routers, not the end of routing.
            _logger.RouterLookupFailed(e);
            yield break;
        }
        var now = Environment.TickCount64;
        List<EndPoint> ordered;
        lock (_avoidUntil)
            ordered = [.. endPoints.OrderBy(e => _avoidUntil.TryGetValue(Key(e), out var until) && until > now)];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var endPoint in ordered)
        {
            RouterCandidate? router = null;
            try
            {
                router = await RouterClient.IdentifyAsync(_connector, endPoint, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsRouterFailure(e, cancellationToken))
            {
                _logger.RouterFailed(PeerContact.FormatEndPoint(endPoint), "identify", e.Message);
            }
            if (router is not null && seen.Add(router.Contact.PublicKey.Fingerprint))
                yield return router;
        }
    }

    /// <summary>Registers with <paramref name="router"/> and stays routed by it while it lasts; false when it would not route us.</summary>
    private async Task<bool> ServeThroughAsync(RouterCandidate router, CancellationToken cancellationToken)
    {
        var client = new RouterClient(_connector, router);
        TimeSpan idleTimeout;
        PeerConnection connection;
        try
        {
            connection = await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
            // The session comes first: the router may send relay.incoming the moment it has registered us.
            _session = new Session(router, connection);
            idleTimeout = await client.RegisterAsync(connection, _flags, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsRouterFailure(e, cancellationToken))
        {
            _session = null;
            _logger.RouterFailed(router.ToString(), "register", e.Message);
            Avoid(router);
            return false;
        }
        _state = RelayReceiverState.Connected;
        IReadOnlyList<string> contacts = [router.RelayContact];
        _contacts = contacts;
        _logger.Routed(router.ToString(), contacts[0]);
        // Identity servers may be slow or away; the route must be kept alive meanwhile.
        Track(PublishAsync(contacts, cancellationToken));
        var reason = await KeepRoutedAsync(client, connection, idleTimeout, cancellationToken).ConfigureAwait(false);
        _session = null;
        _state = RelayReceiverState.Connecting;
        _logger.RouteLost(router.ToString(), reason);
        Avoid(router);
        return true;
    }

    /// <summary>Keeps the route alive until it is lost; why it was.</summary>
    private async Task<string> KeepRoutedAsync(RouterClient client, PeerConnection connection, TimeSpan idleTimeout,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            var interval = idleTimeout / 3 < _options.KeepInterval ? idleTimeout / 3 : _options.KeepInterval;
            var delay = Task.Delay(interval, cancellationToken);
            if (await Task.WhenAny(connection.Completion, delay).ConfigureAwait(false) == connection.Completion)
                return "the connection to the router closed";
            await delay.ConfigureAwait(false);
            try
            {
                await client.KeepAsync(connection, cancellationToken).ConfigureAwait(false);
            }
            catch (PeerRequestException)
            {
                // The router dropped the route (we were late, or it restarted its table): register again on the same connection.
                try
                {
                    idleTimeout = await client.RegisterAsync(connection, _flags, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (IsRouterFailure(e, cancellationToken))
                {
                    return $"it refused to route us again: {e.Message}";
                }
            }
            catch (Exception e) when (IsRouterFailure(e, cancellationToken))
            {
                return e.Message;
            }
        }
    }

    private async Task PublishAsync(IReadOnlyList<string> contacts, CancellationToken cancellationToken)
    {
        try
        {
            await _publish(contacts, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.PublishFailed(contacts[0], e.Message);
        }
    }

    private ValueTask<byte[]> IncomingAsync(IncomingRequest request, CancellationToken cancellationToken)
    {
        if (!RelayMessages.TryReadIncoming(request.Payload.Span, out var token, out var error))
            throw new RequestRefusedException(error);
        // Only the router we registered with, on the connection we registered on, may make us dial out.
        if (_session is not { } session || session.Connection != request.Connection)
            throw new RequestRefusedException($"{request.Peer} is not our router");
        Track(TakeTunnelAsync(session.Router, token));
        return ValueTask.FromResult(RelayMessages.Empty());
    }

    /// <summary>Dials the router with the token and, once it answers OK, serves the socket as an accepted connection.</summary>
    private async Task TakeTunnelAsync(RouterCandidate router, byte[] token)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            timeout.CancelAfter(_options.TunnelTimeout);
            await socket.ConnectAsync(router.Contact.EndPoint, timeout.Token).ConfigureAwait(false);
            await RelayTunnel.AcceptAsync(socket, token, router.Name, timeout.Token).ConfigureAwait(false);
            _listener.Accept(socket);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            _logger.TunnelFailed(router.ToString(), e.Message);
            socket.Dispose();
        }
    }

    private void Avoid(RouterCandidate router)
    {
        lock (_avoidUntil)
            _avoidUntil[Key(router.Contact.EndPoint)] = Environment.TickCount64 + (long)_options.AvoidFailedRouter.TotalMilliseconds;
    }

    private static string Key(EndPoint endPoint) => PeerContact.FormatEndPoint(endPoint);

    private static bool IsRouterFailure(Exception e, CancellationToken cancellationToken) =>
        e is IOException or SocketException or TimeoutException or AuthenticationException or PeerRequestException
        || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private void Track(Task task)
    {
        lock (_tasksLock)
        {
            _tasks.RemoveAll(t => t.IsCompleted);
            _tasks.Add(task);
        }
    }

    /// <summary>The router this node is registered with and the connection the route lives on.</summary>
    private sealed record Session(RouterCandidate Router, PeerConnection Connection);
}
