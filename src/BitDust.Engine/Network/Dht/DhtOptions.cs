using System.Net;

namespace BitDust.Engine.Network.Dht;

/// <summary>How a <see cref="DhtNode"/> runs. The defaults follow BEP 5 and BEP 44.</summary>
public sealed class DhtOptions
{
    /// <summary>The UDP port to bind; 0 lets the system pick one (see <see cref="DhtNode.Port"/>).</summary>
    public int Port { get; init; }

    public IPAddress BindAddress { get; init; } = IPAddress.Any;

    /// <summary>Nodes to join through, as "host:port" (names are resolved).</summary>
    public IReadOnlyList<string> KnownNodes { get; init; } = [];

    /// <summary>The first node of a network: it starts with no one to bootstrap from, and that is not an error.</summary>
    public bool Genesis { get; init; }

    /// <summary>This node's id; random when null.</summary>
    public NodeId? NodeId { get; init; }

    /// <summary>How long stored items and announcements live unless written again.</summary>
    public TimeSpan ItemLifetime { get; init; } = TimeSpan.FromHours(2);

    /// <summary>How often a node re-puts what its owner put, and re-announces; well under <see cref="ItemLifetime"/>.</summary>
    public TimeSpan RepublishInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long one query waits for its answer before the node counts it as failed.</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the write-token secret changes; tokens from the previous secret stay valid.</summary>
    public TimeSpan TokenRotation { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often expired items are dropped, stale buckets refreshed, questionable nodes pinged.</summary>
    public TimeSpan MaintenanceInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Datagrams a second accepted from one source address after its burst is spent.</summary>
    public double RateLimitPerSecond { get; init; } = 100;

    /// <summary>Datagrams one source address may send at once.</summary>
    public int RateLimitBurst { get; init; } = 200;

    /// <summary>Queries a lookup keeps in flight (Kademlia's alpha).</summary>
    public int Parallelism { get; init; } = 3;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
