namespace BitDust.Engine.Network.Dht;

/// <summary>The outcome of a put or announce: how many nodes (this one included) hold it, and why others refused.</summary>
public sealed record DhtStoreResult(NodeId Target, int Copies, long Sequence, DhtPutResult? Rejection);
