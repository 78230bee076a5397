namespace BitDust.Engine.Network.Dht;

/// <summary>
/// The Kademlia routing table of BEP 5. Bucket i holds contacts whose ids share exactly i leading bits with ours;
/// the last bucket holds everyone closer. Only that last bucket (the one covering our own id) splits when full,
/// so the table is detailed near us and sparse far away. Not thread-safe: <see cref="DhtNode"/> locks around it.
/// </summary>
public sealed class RoutingTable
{
    /// <summary>BEP 5's bucket size (BitDust's Python node used 4).</summary>
    public const int BucketSize = 8;

    /// <summary>A bucket nobody has touched for this long is refreshed with a lookup of a random id in it.</summary>
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromMinutes(15);

    private readonly List<List<RoutingEntry>> _buckets = [[]];
    private readonly List<DateTimeOffset> _bucketChanged;

    public RoutingTable(NodeId ownId, DateTimeOffset now)
    {
        OwnId = ownId;
        _bucketChanged = [now];
    }

    public NodeId OwnId { get; }

    public int Count => _buckets.Sum(b => b.Count);

    public int BucketCount => _buckets.Count;

    /// <summary>
    /// Records that <paramref name="contact"/> was heard from; <paramref name="responded"/> when it answered a query of
    /// ours. A full bucket replaces a bad node first, then splits if it covers our id; otherwise the newcomer waits.
    /// </summary>
    public RoutingUpdate Observe(DhtContact contact, bool responded, DateTimeOffset now)
    {
        if (contact.Id == OwnId)
            return RoutingUpdate.Ignored;
        while (true)
        {
            var index = BucketIndex(contact.Id);
            var bucket = _buckets[index];
            var existing = bucket.Find(e => e.Contact.Id == contact.Id);
            if (existing is not null)
            {
                existing.Contact = contact;
                existing.LastSeen = now;
                if (responded)
                {
                    existing.LastResponse = now;
                    existing.FailedQueries = 0;
                }
                _bucketChanged[index] = now;
                return RoutingUpdate.Refreshed;
            }
            if (bucket.Count < BucketSize)
            {
                bucket.Add(new RoutingEntry(contact, now) { LastResponse = responded ? now : null });
                _bucketChanged[index] = now;
                return RoutingUpdate.Added;
            }
            var bad = bucket.FindIndex(e => e.LivenessAt(now) == ContactLiveness.Bad);
            if (bad >= 0)
            {
                bucket[bad] = new RoutingEntry(contact, now) { LastResponse = responded ? now : null };
                _bucketChanged[index] = now;
                return RoutingUpdate.Added;
            }
            if (index != _buckets.Count - 1 || index >= NodeId.Bits - 1)
                return RoutingUpdate.BucketFull;
            Split(now);
        }
    }

    /// <summary>A query to this contact timed out.</summary>
    public void RecordFailure(NodeId id)
    {
        var entry = _buckets[BucketIndex(id)].Find(e => e.Contact.Id == id);
        if (entry is not null)
            entry.FailedQueries++;
    }

    public void Remove(NodeId id) => _buckets[BucketIndex(id)].RemoveAll(e => e.Contact.Id == id);

    public RoutingEntry? Find(NodeId id) => _buckets[BucketIndex(id)].Find(e => e.Contact.Id == id);

    /// <summary>The <paramref name="count"/> non-bad contacts closest to <paramref name="target"/>, closest first.</summary>
    public List<DhtContact> Closest(NodeId target, int count, DateTimeOffset now) =>
        _buckets.SelectMany(b => b)
            .Where(e => e.LivenessAt(now) != ContactLiveness.Bad)
            .Select(e => e.Contact)
            .Order(Comparer<DhtContact>.Create((a, b) => NodeId.CompareDistance(target, a.Id, b.Id)))
            .Take(count)
            .ToList();

    public IEnumerable<RoutingEntry> Entries => _buckets.SelectMany(b => b);

    /// <summary>Questionable contacts, the least recently seen first: the ones to ping.</summary>
    public List<DhtContact> Questionable(DateTimeOffset now) =>
        _buckets.SelectMany(b => b)
            .Where(e => e.LivenessAt(now) == ContactLiveness.Questionable)
            .OrderBy(e => e.LastSeen)
            .Select(e => e.Contact)
            .ToList();

    /// <summary>Random targets, one in each bucket not changed for <see cref="RefreshAfter"/>; refreshing marks them.</summary>
    public List<NodeId> StaleBucketTargets(DateTimeOffset now)
    {
        var targets = new List<NodeId>();
        for (var i = 0; i < _buckets.Count; i++)
        {
            if (now - _bucketChanged[i] < RefreshAfter)
                continue;
            targets.Add(OwnId.RandomWithPrefix(i));
            _bucketChanged[i] = now;
        }
        return targets;
    }

    /// <summary>
    /// Random targets, one in each bucket farther than our closest neighbours (every bucket but the last): a node that has
    /// just looked itself up looks these up too, so that it knows, and is known in, every part of the id space (Kademlia's
    /// join, section 2.3). Without it a young network knows mostly its own half, and a lookup from there can stop short.
    /// </summary>
    public List<NodeId> FarBucketTargets(DateTimeOffset now)
    {
        var targets = new List<NodeId>();
        for (var i = 0; i < _buckets.Count - 1; i++)
        {
            targets.Add(OwnId.RandomWithPrefix(i));
            _bucketChanged[i] = now;
        }
        return targets;
    }

    private int BucketIndex(NodeId id) => Math.Min(OwnId.CommonPrefixLength(id), _buckets.Count - 1);

    private void Split(DateTimeOffset now)
    {
        var last = _buckets.Count - 1;
        var closer = _buckets[last].Where(e => OwnId.CommonPrefixLength(e.Contact.Id) > last).ToList();
        _buckets[last].RemoveAll(closer.Contains);
        _buckets.Add(closer);
        _bucketChanged.Add(now);
    }
}
