using System.Net;

namespace BitDust.Engine.Network.Dht;

/// <summary>
/// What this node stores for others: BEP 44 items and BEP 5 peer announcements, each expiring after the configured
/// lifetime unless written again. Every write is checked against BEP 44's rules here, so a node never serves an
/// item it could not verify. Bounded in count so a writer cannot exhaust memory.
/// </summary>
public sealed class DhtItemStore
{
    public const int MaxItems = 8192;
    public const int MaxPeersPerInfoHash = 512;

    private readonly Dictionary<NodeId, Stored<byte[]>> _immutable = [];
    private readonly Dictionary<NodeId, Stored<DhtMutableItem>> _mutable = [];
    private readonly Dictionary<NodeId, Dictionary<IPEndPoint, DateTimeOffset>> _peers = [];
    private readonly Lock _lock = new();

    public DhtItemStore(TimeSpan lifetime) => Lifetime = lifetime;

    public TimeSpan Lifetime { get; }

    public int ItemCount
    {
        get
        {
            lock (_lock)
                return _immutable.Count + _mutable.Count;
        }
    }

    public DhtPutResult PutImmutable(byte[] encodedValue, DateTimeOffset now)
    {
        if (encodedValue.Length > Bep44.MaxValueLength)
            return new DhtPutResult(KrpcErrorCode.MessageTooBig, "message (v field) too big");
        var target = Bep44.ImmutableTarget(encodedValue);
        lock (_lock)
        {
            if (!_immutable.ContainsKey(target) && IsFull())
                return new DhtPutResult(KrpcErrorCode.Server, "storage full");
            _immutable[target] = new Stored<byte[]>(encodedValue, now + Lifetime);
        }
        return DhtPutResult.Stored;
    }

    /// <param name="compareAndSwap">BEP 44 "cas": the sequence number the writer expects to replace.</param>
    public DhtPutResult PutMutable(DhtMutableItem item, long? compareAndSwap, DateTimeOffset now)
    {
        if (item.EncodedValue.Length > Bep44.MaxValueLength)
            return new DhtPutResult(KrpcErrorCode.MessageTooBig, "message (v field) too big");
        if (item.Salt.Length > Bep44.MaxSaltLength)
            return new DhtPutResult(KrpcErrorCode.SaltTooBig, "salt (salt field) too big");
        if (!item.HasValidSignature())
            return new DhtPutResult(KrpcErrorCode.InvalidSignature, "invalid signature");
        var target = item.Target;
        lock (_lock)
        {
            if (_mutable.TryGetValue(target, out var stored) && stored.Expires > now)
            {
                if (compareAndSwap is { } expected && expected != stored.Item.Sequence)
                    return new DhtPutResult(KrpcErrorCode.CasMismatch, "CAS mismatch, re-read value and try again");
                if (item.Sequence < stored.Item.Sequence)
                    return new DhtPutResult(KrpcErrorCode.SequenceTooLow, "sequence number less than current");
                // Same seq with a different value would let a stale writer flip the item back and forth.
                if (item.Sequence == stored.Item.Sequence && !item.EncodedValue.AsSpan().SequenceEqual(stored.Item.EncodedValue))
                    return new DhtPutResult(KrpcErrorCode.SequenceTooLow, "sequence number not greater than current for a new value");
            }
            else if (IsFull())
            {
                return new DhtPutResult(KrpcErrorCode.Server, "storage full");
            }
            _mutable[target] = new Stored<DhtMutableItem>(item, now + Lifetime);
        }
        return DhtPutResult.Stored;
    }

    public byte[]? GetImmutable(NodeId target, DateTimeOffset now)
    {
        lock (_lock)
            return _immutable.TryGetValue(target, out var stored) && stored.Expires > now ? stored.Item : null;
    }

    public DhtMutableItem? GetMutable(NodeId target, DateTimeOffset now)
    {
        lock (_lock)
            return _mutable.TryGetValue(target, out var stored) && stored.Expires > now ? stored.Item : null;
    }

    public void AddPeer(NodeId infoHash, IPEndPoint peer, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (!_peers.TryGetValue(infoHash, out var peers))
            {
                if (_peers.Count >= MaxItems)
                    return;
                peers = [];
                _peers[infoHash] = peers;
            }
            if (peers.Count < MaxPeersPerInfoHash || peers.ContainsKey(peer))
                peers[peer] = now + Lifetime;
        }
    }

    public List<IPEndPoint> GetPeers(NodeId infoHash, int max, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (!_peers.TryGetValue(infoHash, out var peers))
                return [];
            return peers.Where(p => p.Value > now).Select(p => p.Key).OrderBy(_ => Random.Shared.Next()).Take(max).ToList();
        }
    }

    public void RemoveExpired(DateTimeOffset now)
    {
        lock (_lock)
        {
            foreach (var target in _immutable.Where(p => p.Value.Expires <= now).Select(p => p.Key).ToList())
                _immutable.Remove(target);
            foreach (var target in _mutable.Where(p => p.Value.Expires <= now).Select(p => p.Key).ToList())
                _mutable.Remove(target);
            foreach (var (infoHash, peers) in _peers.ToList())
            {
                foreach (var peer in peers.Where(p => p.Value <= now).Select(p => p.Key).ToList())
                    peers.Remove(peer);
                if (peers.Count == 0)
                    _peers.Remove(infoHash);
            }
        }
    }

    private bool IsFull() => _immutable.Count + _mutable.Count >= MaxItems;

    private readonly record struct Stored<T>(T Item, DateTimeOffset Expires);
}
