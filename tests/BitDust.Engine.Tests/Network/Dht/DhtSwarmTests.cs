using BitDust.Engine.Network.Dht;
using Xunit.Abstractions;

namespace BitDust.Engine.Tests.Network.Dht;

/// <summary>Two hundred nodes in one process on loopback UDP: lookups converge, and keep converging after losses.</summary>
[Collection(DhtNetworkCollection.Name)]
public sealed class DhtSwarmTests(ITestOutputHelper output)
{
    private const int NodeCount = 200;
    private const int Lookups = 40;

    [Fact]
    public async Task Two_hundred_nodes_find_the_closest_node_before_and_after_a_fifth_of_them_stop()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        await using var cluster = await StartSwarmAsync(NodeCount, TimeSpan.FromSeconds(1));
        output.WriteLine($"{NodeCount} nodes joined in {started.Elapsed.TotalSeconds:F1} s; " +
                         $"contacts per node: median {Median(cluster.Nodes.Select(n => n.ContactCount))}");

        var random = new Random(200);
        var owner = DhtSigningKey.Generate();
        var stored = await cluster.Nodes[random.Next(NodeCount)]
            .PutMutableAsync(owner, "family"u8.ToArray(), "suppliers: 7"u8.ToArray(), 1, null, CancellationToken.None)
            .WaitAsync(DhtCluster.StepTimeout);
        Assert.True(stored.Copies >= RoutingTable.BucketSize, $"stored on {stored.Copies} nodes");

        var early = await cluster.Nodes[random.Next(NodeCount)]
            .GetMutableAsync(owner.PublicKey, "family"u8.ToArray(), CancellationToken.None).WaitAsync(DhtCluster.StepTimeout);
        Assert.Equal("suppliers: 7"u8.ToArray(), early?.Value);
        var (found, hops) = await LookupRoundAsync(cluster.Nodes, random);
        output.WriteLine($"all up: {found}/{Lookups} lookups found the closest node; median hops {Median(hops)}");
        Assert.True(found >= Lookups * 9 / 10, $"{found}/{Lookups} lookups found the closest node");

        var stopped = cluster.Nodes.OrderBy(_ => random.Next()).Take(NodeCount / 5).ToList();
        foreach (var node in stopped)
            await node.DisposeAsync().AsTask().WaitAsync(DhtCluster.StepTimeout);
        var alive = cluster.Nodes.Except(stopped).ToList();

        var (foundAfter, hopsAfter) = await LookupRoundAsync(alive, random);
        output.WriteLine($"20% stopped: {foundAfter}/{Lookups} lookups found the closest live node; median hops {Median(hopsAfter)}");
        Assert.True(foundAfter >= Lookups * 9 / 10, $"{foundAfter}/{Lookups} lookups found the closest live node");

        var read = await alive[random.Next(alive.Count)].GetMutableAsync(owner.PublicKey, "family"u8.ToArray(), CancellationToken.None)
            .WaitAsync(DhtCluster.StepTimeout);
        Assert.Equal("suppliers: 7"u8.ToArray(), read?.Value);
        output.WriteLine($"total {started.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task In_a_swarm_just_formed_a_put_from_any_node_lands_on_the_nodes_closest_to_the_item()
    {
        // A node that joined looked up only itself once knew mostly its own half of the id space; a put from there stopped on
        // that half's nodes, and a get from the other half found nothing (a family record "not found" a minute after it was
        // published). Joining now looks up the far buckets too.
        await using var cluster = await StartSwarmAsync(100, TimeSpan.FromSeconds(2));
        var random = new Random(100);
        var missed = new List<string>();
        for (var item = 0; item < 10; item++)
        {
            var owner = DhtSigningKey.Generate();
            var from = cluster.Nodes[random.Next(cluster.Nodes.Count)];
            var stored = await from.PutMutableAsync(owner, "family"u8.ToArray(), "suppliers: 7"u8.ToArray(), 1, null, CancellationToken.None)
                .WaitAsync(DhtCluster.StepTimeout);
            var closest = cluster.Nodes.Where(n => n != from)
                .OrderBy(n => n.NodeId, Comparer<NodeId>.Create((a, b) => NodeId.CompareDistance(stored.Target, a, b)))
                .Take(RoutingTable.BucketSize).ToList();
            var holding = closest.Count(n => n.HoldsItem(stored.Target));
            if (holding < RoutingTable.BucketSize - 1)
                missed.Add($"item {item}: {holding} of the {RoutingTable.BucketSize} closest nodes hold it");
        }
        Assert.True(missed.Count == 0, string.Join('\n', missed));
    }

    /// <summary>Random lookups from random live nodes; one succeeds when it returns the truly closest live node.</summary>
    private async Task<(int Found, List<int> Hops)> LookupRoundAsync(List<DhtNode> alive, Random random)
    {
        var cases = Enumerable.Range(0, Lookups).Select(_ => (From: alive[random.Next(alive.Count)], Target: NodeId.Random())).ToList();
        var results = await Task.WhenAll(cases.Select(c => c.From.FindNodeAsync(c.Target, CancellationToken.None)))
            .WaitAsync(DhtCluster.StepTimeout);
        var found = 0;
        for (var i = 0; i < cases.Count; i++)
        {
            var (from, target) = cases[i];
            var closest = alive.Where(n => n != from).Select(n => n.NodeId)
                .Order(Comparer<NodeId>.Create((a, b) => NodeId.CompareDistance(target, a, b))).First();
            if (results[i].Closest.Count > 0 && results[i].Closest[0].Id == closest)
                found++;
        }
        return (found, results.Select(r => r.Hops).ToList());
    }

    private static double Median(IEnumerable<int> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2.0;
    }

    /// <summary>A genesis and <paramref name="nodes"/> - 1 nodes joining it, ten at a time, on loopback.</summary>
    private static async Task<DhtCluster> StartSwarmAsync(int nodes, TimeSpan queryTimeout)
    {
        var cluster = new DhtCluster(o => new DhtOptions
        {
            BindAddress = o.BindAddress,
            Genesis = o.Genesis,
            KnownNodes = o.KnownNodes,
            QueryTimeout = queryTimeout,
            // Every node shares 127.0.0.1, so the per-address limit must not throttle the swarm itself.
            RateLimitPerSecond = 1_000_000,
            RateLimitBurst = 1_000_000,
        });
        try
        {
            var genesis = await cluster.StartGenesisAsync();
            foreach (var batch in Enumerable.Range(1, nodes - 1).Chunk(10))
                await Task.WhenAll(batch.Select(_ => cluster.StartJoiningAsync(genesis))).WaitAsync(DhtCluster.StepTimeout);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }
}
