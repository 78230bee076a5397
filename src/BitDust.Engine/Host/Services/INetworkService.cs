namespace BitDust.Engine.Host.Services;

/// <summary>
/// One of the node's services, named as in BitDust (<c>entangled-dht</c>, <c>identity-server</c>, <c>supplier</c>, …) and
/// switched with <c>services/NAME/enabled</c>.
/// </summary>
public interface INetworkService
{
    string Name { get; }

    /// <summary>Services that must be running before this one starts.</summary>
    IReadOnlyList<string> DependsOn { get; }

    /// <summary>Services that must never run on the same node as this one (BitDust: proxy-server and proxy-transport).</summary>
    IReadOnlyList<string> ConflictsWith => [];

    /// <summary>What the service is doing, in one word (BitDust's states: READY, LISTEN, CONNECTED, …).</summary>
    string State { get; }

    /// <summary>What the state means right now, when there is more to say ("found 5 of 7 suppliers"), or null.</summary>
    string? Detail => null;

    Task StartAsync(CancellationToken cancellationToken);

    Task StopAsync(CancellationToken cancellationToken);
}
