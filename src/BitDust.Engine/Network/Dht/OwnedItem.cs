namespace BitDust.Engine.Network.Dht;

/// <summary>An item this node's owner put, kept so the node can republish it before it expires elsewhere.</summary>
internal sealed record OwnedItem(NodeId Target, byte[] EncodedValue, DhtMutableItem? Mutable)
{
    public DateTimeOffset PublishedAt { get; init; }
}
