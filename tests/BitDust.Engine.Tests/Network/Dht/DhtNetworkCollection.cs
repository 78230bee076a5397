namespace BitDust.Engine.Tests.Network.Dht;

/// <summary>
/// Tests that run many UDP nodes share this collection, which runs alone after the parallel tests: on two busy cores, a
/// 200-node swarm beside other work misses its 1 s query timeouts and a lookup comes back empty.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DhtNetworkCollection
{
    public const string Name = "DHT nodes on loopback";
}
