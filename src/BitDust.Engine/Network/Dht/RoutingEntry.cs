namespace BitDust.Engine.Network.Dht;

/// <summary>A contact in the routing table and what we know of its liveness.</summary>
public sealed class RoutingEntry
{
    /// <summary>BEP 5: a node is good if heard from within 15 minutes.</summary>
    public static readonly TimeSpan GoodFor = TimeSpan.FromMinutes(15);

    /// <summary>Failed queries in a row after which a node is bad.</summary>
    public const int FailuresUntilBad = 2;

    internal RoutingEntry(DhtContact contact, DateTimeOffset now)
    {
        Contact = contact;
        LastSeen = now;
    }

    public DhtContact Contact { get; internal set; }

    public DateTimeOffset LastSeen { get; internal set; }

    public DateTimeOffset? LastResponse { get; internal set; }

    public int FailedQueries { get; internal set; }

    public ContactLiveness LivenessAt(DateTimeOffset now)
    {
        if (FailedQueries >= FailuresUntilBad)
            return ContactLiveness.Bad;
        return LastResponse is not null && now - LastSeen < GoodFor ? ContactLiveness.Good : ContactLiveness.Questionable;
    }
}
