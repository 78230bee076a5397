using System.Net;
using BitDust.Engine.Network.Dht;
using FsCheck;
using FsCheck.Fluent;

namespace BitDust.Engine.Tests.Network.Dht;

public sealed class RoutingTableTests
{
    private static readonly IPEndPoint SomeEndPoint = new(IPAddress.Loopback, 6881);
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void No_bucket_ever_holds_more_than_k_and_only_our_own_range_splits()
    {
        Prop.ForAll(Gen.Choose(1, 600).ToArbitrary(), count =>
        {
            var table = new RoutingTable(NodeId.Random(), _time.GetUtcNow());
            var ids = Enumerable.Range(0, count).Select(_ => NodeId.Random()).ToList();
            foreach (var id in ids)
                table.Observe(new DhtContact(id, SomeEndPoint), responded: true, _time.GetUtcNow());
            var buckets = table.Entries.GroupBy(e => Math.Min(table.OwnId.CommonPrefixLength(e.Contact.Id), table.BucketCount - 1));
            // Random ids halve per bit, so the far buckets fill first and the table holds roughly k per bucket.
            return buckets.All(b => b.Count() <= RoutingTable.BucketSize) && table.Count <= table.BucketCount * RoutingTable.BucketSize &&
                   table.Count >= Math.Min(count, RoutingTable.BucketSize);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(50));
    }

    [Fact]
    public void A_full_far_bucket_of_good_nodes_refuses_newcomers()
    {
        var own = NodeId.Parse("0000000000000000000000000000000000000000");
        var table = new RoutingTable(own, _time.GetUtcNow());
        // Fill the near half first so the table has split and the far half (first bit 1) is no longer splittable.
        for (var i = 0; i < 9; i++)
            table.Observe(new DhtContact(own.RandomWithPrefix(1 + i), SomeEndPoint), true, _time.GetUtcNow());
        var far = Enumerable.Range(0, RoutingTable.BucketSize + 1).Select(_ => own.RandomWithPrefix(0)).ToList();
        var results = far.Select(id => table.Observe(new DhtContact(id, SomeEndPoint), true, _time.GetUtcNow())).ToList();

        Assert.All(results.Take(RoutingTable.BucketSize), r => Assert.Equal(RoutingUpdate.Added, r));
        Assert.Equal(RoutingUpdate.BucketFull, results[^1]);
        Assert.Null(table.Find(far[^1]));
    }

    [Fact]
    public void A_bad_node_is_replaced_by_a_newcomer()
    {
        var own = NodeId.Parse("0000000000000000000000000000000000000000");
        var table = new RoutingTable(own, _time.GetUtcNow());
        for (var i = 0; i < 9; i++)
            table.Observe(new DhtContact(own.RandomWithPrefix(1 + i), SomeEndPoint), true, _time.GetUtcNow());
        var far = Enumerable.Range(0, RoutingTable.BucketSize).Select(_ => own.RandomWithPrefix(0)).ToList();
        foreach (var id in far)
            table.Observe(new DhtContact(id, SomeEndPoint), true, _time.GetUtcNow());

        for (var i = 0; i < RoutingEntry.FailuresUntilBad; i++)
            table.RecordFailure(far[3]);
        var newcomer = own.RandomWithPrefix(0);

        Assert.Equal(ContactLiveness.Bad, table.Find(far[3])!.LivenessAt(_time.GetUtcNow()));
        Assert.Equal(RoutingUpdate.Added, table.Observe(new DhtContact(newcomer, SomeEndPoint), true, _time.GetUtcNow()));
        Assert.Null(table.Find(far[3]));
        Assert.NotNull(table.Find(newcomer));
    }

    [Fact]
    public void Nodes_turn_questionable_after_15_silent_minutes_and_good_again_when_they_answer()
    {
        var table = new RoutingTable(NodeId.Random(), _time.GetUtcNow());
        var id = NodeId.Random();
        table.Observe(new DhtContact(id, SomeEndPoint), responded: true, _time.GetUtcNow());
        Assert.Equal(ContactLiveness.Good, table.Find(id)!.LivenessAt(_time.GetUtcNow()));

        _time.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(ContactLiveness.Questionable, table.Find(id)!.LivenessAt(_time.GetUtcNow()));
        Assert.Contains(table.Questionable(_time.GetUtcNow()), c => c.Id == id);

        table.Observe(new DhtContact(id, SomeEndPoint), responded: true, _time.GetUtcNow());
        Assert.Equal(ContactLiveness.Good, table.Find(id)!.LivenessAt(_time.GetUtcNow()));
    }

    [Fact]
    public void A_node_that_only_queried_us_is_questionable_until_it_answers()
    {
        var table = new RoutingTable(NodeId.Random(), _time.GetUtcNow());
        var id = NodeId.Random();
        table.Observe(new DhtContact(id, SomeEndPoint), responded: false, _time.GetUtcNow());
        Assert.Equal(ContactLiveness.Questionable, table.Find(id)!.LivenessAt(_time.GetUtcNow()));
    }

    [Fact]
    public void Stale_buckets_get_a_refresh_target_inside_them_once()
    {
        var table = new RoutingTable(NodeId.Random(), _time.GetUtcNow());
        for (var i = 0; i < 100; i++)
            table.Observe(new DhtContact(NodeId.Random(), SomeEndPoint), true, _time.GetUtcNow());
        Assert.Empty(table.StaleBucketTargets(_time.GetUtcNow()));

        _time.Advance(RoutingTable.RefreshAfter);
        var targets = table.StaleBucketTargets(_time.GetUtcNow());

        Assert.Equal(table.BucketCount, targets.Count);
        for (var i = 0; i < targets.Count; i++)
            Assert.Equal(i, Math.Min(table.OwnId.CommonPrefixLength(targets[i]), table.BucketCount - 1));
        Assert.Empty(table.StaleBucketTargets(_time.GetUtcNow()));
    }

    [Fact]
    public void Closest_returns_contacts_in_xor_order()
    {
        var table = new RoutingTable(NodeId.Random(), _time.GetUtcNow());
        for (var i = 0; i < 200; i++)
            table.Observe(new DhtContact(NodeId.Random(), SomeEndPoint), true, _time.GetUtcNow());
        var target = NodeId.Random();
        var closest = table.Closest(target, 8, _time.GetUtcNow());
        var expected = table.Entries.Select(e => e.Contact)
            .Order(Comparer<DhtContact>.Create((a, b) => NodeId.CompareDistance(target, a.Id, b.Id))).Take(8);
        Assert.Equal(expected.Select(c => c.Id), closest.Select(c => c.Id));
    }

    [Fact]
    public void Our_own_id_is_never_stored()
    {
        var table = new RoutingTable(NodeId.Random(), _time.GetUtcNow());
        Assert.Equal(RoutingUpdate.Ignored, table.Observe(new DhtContact(table.OwnId, SomeEndPoint), true, _time.GetUtcNow()));
        Assert.Equal(0, table.Count);
    }
}
