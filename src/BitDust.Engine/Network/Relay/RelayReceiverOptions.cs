namespace BitDust.Engine.Network.Relay;

/// <summary>Timing of a routed node (BitDust's proxy-transport); shortened by tests.</summary>
public sealed record RelayReceiverOptions
{
    /// <summary>How often the route is kept alive; never less often than a third of the router's idle timeout.</summary>
    public TimeSpan KeepInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait before looking for routers again when none could be used.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A router that dropped this node or refused it is tried after every other for this long.</summary>
    public TimeSpan AvoidFailedRouter { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Dialing the router for a tunnel and its answer to the ACCEPT together.</summary>
    public TimeSpan TunnelTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
