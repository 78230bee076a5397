namespace BitDust.Engine.Network.Dht;

/// <summary>
/// The end of an iterative lookup: the closest nodes that answered (closest first), how many hops away from our
/// routing table the closest one was found, and how many queries the lookup sent.
/// </summary>
public sealed record DhtLookupResult(IReadOnlyList<DhtContact> Closest, int Hops, int QueriesSent)
{
    internal IReadOnlyDictionary<NodeId, byte[]> Tokens { get; init; } = new Dictionary<NodeId, byte[]>();
}
