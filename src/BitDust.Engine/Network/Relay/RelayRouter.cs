using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Security.Authentication;
using BitDust.Engine.Network.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitDust.Engine.Network.Relay;

/// <summary>
/// A router (BitDust's proxy-server): nodes behind NAT register on their ordinary authenticated connection and are routed by
/// their key fingerprint; a dialer sends CONNECT with that fingerprint on a raw socket, the routed node is told over its
/// connection to come with a fresh token, and once its ACCEPT arrives the two sockets are spliced byte for byte. What goes
/// through is the two ends' own TLS, so the router reads nothing and cannot pass for either end. It refuses registrations
/// beyond its routes-limit, drops routes not kept alive, and answers probes ("can I be dialed directly?") and list requests.
/// </summary>
public sealed partial class RelayRouter : IAsyncDisposable
{
    private readonly PeerConnector _connector;
    private readonly RelayRouterOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, RelayRoute> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PendingTunnel> _pending = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _probes;
    private readonly CancellationTokenSource _disposing = new();
    private readonly Task _sweeper;

    /// <param name="name">The router's user name, for the reasons it gives.</param>
    /// <param name="connector">Dials back the contacts nodes ask it to probe.</param>
    public RelayRouter(string name, PeerConnector connector, RelayRouterOptions? options = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        _connector = connector;
        _options = options ?? new RelayRouterOptions();
        _logger = logger ?? NullLogger.Instance;
        _probes = new SemaphoreSlim(_options.MaxConcurrentProbes, _options.MaxConcurrentProbes);
        _sweeper = SweepAsync();
    }

    public string Name { get; }

    public RelayRouterOptions Options => _options;

    /// <summary>The nodes routed now, oldest first.</summary>
    public IReadOnlyList<RelayRouteInfo> Routes
    {
        get
        {
            var (ticks, now) = (Environment.TickCount64, DateTimeOffset.UtcNow);
            lock (_gate)
                return [.. _routes.Values.Select(r => r.Describe(ticks, now)).OrderBy(r => r.Since)];
        }
    }

    /// <summary>
    /// Serves the relay on <paramref name="listener"/>'s port (sockets that start with the relay magic) and answers
    /// <c>relay.register</c>, <c>relay.keep</c>, <c>relay.probe</c> and <c>relay.list</c> on <paramref name="handlers"/>.
    /// </summary>
    public void Attach(TransportListener listener, TransportHandlers handlers)
    {
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(handlers);
        handlers.MapRequest(RelayMessages.Register, RegisterAsync)
            .MapRequest(RelayMessages.Keep, KeepAsync)
            .MapRequest(RelayMessages.Probe, ProbeAsync)
            .MapRequest(RelayMessages.List, ListAsync);
        listener.MapPreamble(RelayPreamble.Magic[0], HandleAsync);
    }

    /// <summary>Stops serving what <see cref="Attach"/> started; tunnels open now end when the router is disposed.</summary>
    public void Detach(TransportListener listener, TransportHandlers handlers)
    {
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(handlers);
        listener.UnmapPreamble();
        foreach (var kind in RelayMessages.RouterKinds)
            handlers.UnmapRequest(kind);
    }

    /// <summary>Stops the idle sweep, forgets every route and ends every tunnel (their sockets close as their tasks see it).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposing.IsCancellationRequested)
            return;
        await _disposing.CancelAsync().ConfigureAwait(false);
        await _sweeper.ConfigureAwait(false);
        lock (_gate)
            _routes.Clear();
    }

    private ValueTask<byte[]> RegisterAsync(IncomingRequest request, CancellationToken cancellationToken)
    {
        if (!RelayMessages.TryReadRegister(request.Payload.Span, out var flags, out var error))
            throw new RequestRefusedException(error);
        var connection = request.Connection;
        var route = new RelayRoute(connection, flags, DateTimeOffset.UtcNow, Environment.TickCount64);
        int count;
        lock (_gate)
        {
            // A node that registers again (a new connection, or after an idle drop) keeps its place under the limit.
            if (!_routes.ContainsKey(route.Fingerprint) && _routes.Count >= _options.RoutesLimit)
            {
                var reason = _options.RoutesLimit == 0
                    ? $"router {Name} routes no nodes (its routes-limit is 0)"
                    : $"router {Name} routes {_routes.Count} nodes, its routes-limit; try another router";
                _logger.RegistrationRefused(request.Peer, reason);
                throw new RequestRefusedException(reason);
            }
            _routes[route.Fingerprint] = route;
            count = _routes.Count;
        }
        _logger.RouteAdded(request.Peer, route.Fingerprint[..16], flags, count, _options.RoutesLimit);
        _ = DropWhenClosedAsync(route);
        return ValueTask.FromResult(RelayMessages.EncodeRegistered(_options.RouteIdleTimeout));
    }

    private ValueTask<byte[]> KeepAsync(IncomingRequest request, CancellationToken cancellationToken)
    {
        if (!RelayMessages.TryReadEmpty(request.Payload.Span, "relay keep", out var error))
            throw new RequestRefusedException(error);
        if (FindRoute(request.Connection.PeerKey.Fingerprint) is not { } route || route.Connection != request.Connection)
            throw new RequestRefusedException($"{request.Peer} is not routed by router {Name} on this connection: register again");
        route.Keep(Environment.TickCount64);
        return ValueTask.FromResult(RelayMessages.Empty());
    }

    private async ValueTask<byte[]> ProbeAsync(IncomingRequest request, CancellationToken cancellationToken)
    {
        if (!RelayMessages.TryReadProbe(request.Payload.Span, out var contact, out var error))
            throw new RequestRefusedException(error);
        if (!TcpContact.TryParse(contact, out var endPoint))
            throw new RequestRefusedException($"router {Name} probes tcp://host:port contacts only, not {contact}");
        if (!await _probes.WaitAsync(0, cancellationToken).ConfigureAwait(false))
            throw new RequestRefusedException($"router {Name} is busy: {_options.MaxConcurrentProbes} probes running; ask again later");
        RelayProbeResult result;
        try
        {
            var (_, key) = await _connector.IdentifyAsync(endPoint, cancellationToken).ConfigureAwait(false);
            result = key.Equals(request.Connection.PeerKey)
                ? new RelayProbeResult(true, $"router {Name} reached {contact} and found your key there")
                : new RelayProbeResult(false, $"router {Name} reached {contact}, but key {key.Fingerprint[..16]} answers there, not yours");
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or AuthenticationException
                                      or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            result = new RelayProbeResult(false, $"router {Name} could not reach you at {contact}: {e.Message}");
        }
        finally
        {
            _probes.Release();
        }
        _logger.Probed(request.Peer, contact, result.Reachable, result.Reason);
        return RelayMessages.EncodeProbeResult(result);
    }

    private ValueTask<byte[]> ListAsync(IncomingRequest request, CancellationToken cancellationToken)
    {
        if (!RelayMessages.TryReadEmpty(request.Payload.Span, "relay list", out var error))
            throw new RequestRefusedException(error);
        List<string> suppliers;
        lock (_gate)
        {
            suppliers = [.. _routes.Values.Where(r => r.Flags.HasFlag(RelayFlags.Supplier)).Select(r => r.Connection.PeerIdentity)
                .Take(RelayMessages.MaxListed)];
        }
        return ValueTask.FromResult(RelayMessages.EncodeList(suppliers));
    }

    private RelayRoute? FindRoute(string fingerprint)
    {
        lock (_gate)
            return _routes.GetValueOrDefault(fingerprint);
    }

    /// <summary>Removes <paramref name="route"/> unless the node has registered again since (that newer route stays).</summary>
    private void Drop(RelayRoute route, string reason)
    {
        int count;
        lock (_gate)
        {
            if (!_routes.TryGetValue(route.Fingerprint, out var current) || current != route)
                return;
            _routes.Remove(route.Fingerprint);
            count = _routes.Count;
        }
        _logger.RouteDropped(route.Connection.PeerIdentity, reason, count);
    }

    private async Task DropWhenClosedAsync(RelayRoute route)
    {
        await route.Connection.Completion.ConfigureAwait(false);
        Drop(route, "its connection closed");
    }

    /// <summary>Every quarter of the idle timeout, drops the routes not kept alive for a whole one.</summary>
    private async Task SweepAsync()
    {
        var idle = (long)_options.RouteIdleTimeout.TotalMilliseconds;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(idle / 4, 10)));
        try
        {
            while (await timer.WaitForNextTickAsync(_disposing.Token).ConfigureAwait(false))
            {
                var now = Environment.TickCount64;
                List<RelayRoute> stale;
                lock (_gate)
                    stale = [.. _routes.Values.Where(r => now - r.LastKeep > idle)];
                foreach (var route in stale)
                    Drop(route, $"not kept alive for {_options.RouteIdleTimeout}");
            }
        }
        catch (OperationCanceledException) when (_disposing.IsCancellationRequested)
        {
            // Disposed: no routes left to sweep.
        }
    }
}
