using System.Net;

namespace BitDust.Engine.Network.Dht;

/// <summary>A DHT node as others see it: its id and the UDP endpoint it answers on.</summary>
public sealed record DhtContact(NodeId Id, IPEndPoint EndPoint);
