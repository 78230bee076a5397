namespace BitDust.Engine.Network.Relay;

/// <summary>Limits and timing of a router; the proxy-server service takes <see cref="RoutesLimit"/> from <c>routes-limit</c>.</summary>
public sealed record RelayRouterOptions
{
    /// <summary><c>services/proxy-server/routes-limit</c>: nodes routed at once; 0 routes none.</summary>
    public int RoutesLimit { get; init; } = 20;

    /// <summary>A route not refreshed by <c>relay.keep</c> for this long is dropped; registered nodes are told it.</summary>
    public TimeSpan RouteIdleTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>How long a CONNECT waits for the routed node to come for its tunnel; its token expires then.</summary>
    public TimeSpan AcceptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A raw connection must have sent its whole preamble within this.</summary>
    public TimeSpan PreambleTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Tunnels open or being opened to one routed node at once; more are answered busy.</summary>
    public int MaxTunnelsPerRoute { get; init; } = 64;

    /// <summary>Probes (dial-backs) running at once; a probe makes the router dial an address someone else chose.</summary>
    public int MaxConcurrentProbes { get; init; } = 4;
}
