namespace BitDust.Engine.Network.Dht;

public enum RoutingUpdate
{
    Added,
    Refreshed,

    /// <summary>The bucket is full of good nodes (or of questionable ones that must be pinged first).</summary>
    BucketFull,

    /// <summary>Our own id: never stored.</summary>
    Ignored,
}
