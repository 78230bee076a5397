namespace BitDust.Engine.Tests.Network.Dht;

/// <summary>
/// Tests that run many UDP nodes share this collection so they run one after another: on two busy cores, a 200-node
/// swarm beside another cluster starves both and their query timeouts fire spuriously.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DhtNetworkCollection
{
    public const string Name = "DHT nodes on loopback";
}
