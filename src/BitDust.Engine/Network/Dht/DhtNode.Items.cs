using System.Net;

namespace BitDust.Engine.Network.Dht;

public sealed partial class DhtNode
{
    /// <summary>
    /// Stores <paramref name="value"/> as a BEP 44 immutable item; its key is the SHA-1 of the bencoded value. With
    /// <paramref name="republish"/> this node puts it again before it expires, for as long as the node runs.
    /// </summary>
    public async Task<DhtStoreResult> PutImmutableAsync(ReadOnlyMemory<byte> value, CancellationToken cancellationToken,
        bool republish = true)
    {
        var encoded = Bencode.Encode(value);
        if (encoded.Length > Bep44.MaxValueLength)
            throw new ArgumentException(
                $"A DHT item holds at most {Bep44.MaxValueLength} bencoded bytes; use DhtLargeValue for {value.Length} bytes.",
                nameof(value));
        var result = await PublishAsync(new OwnedItem(Bep44.ImmutableTarget(encoded), encoded, Mutable: null), null, cancellationToken)
            .ConfigureAwait(false);
        if (republish)
            _owned[result.Target] = new OwnedItem(result.Target, encoded, Mutable: null) { PublishedAt = Now };
        return result;
    }

    /// <summary>Reads an immutable item; the value is checked against its key, so a lying node cannot substitute another.</summary>
    public async Task<byte[]?> GetImmutableAsync(NodeId target, CancellationToken cancellationToken)
    {
        if (_store.GetImmutable(target, Now) is { } local)
            return Bencode.TryRead(local, out var localValue, out _) ? localValue as byte[] : null;
        byte[]? found = null;
        await LookupAsync(target, "get", "target", (_, answer) =>
        {
            if (answer.Body.TryGetValue("v", out var value) && value is byte[] bytes &&
                Bep44.ImmutableTarget(Bencode.Encode(value)) == target)
                found = bytes;
            return found is not null;
        }, cancellationToken, found: () => found is not null).ConfigureAwait(false);
        return found;
    }

    /// <summary>
    /// Signs and stores a BEP 44 mutable item under (<paramref name="key"/>'s public key, <paramref name="salt"/>).
    /// Without <paramref name="sequence"/>, the next number after the highest one found in the network is used;
    /// <paramref name="compareAndSwap"/> makes nodes refuse the write unless they hold that sequence number.
    /// </summary>
    public async Task<DhtStoreResult> PutMutableAsync(DhtSigningKey key, ReadOnlyMemory<byte> salt, ReadOnlyMemory<byte> value,
        long? sequence, long? compareAndSwap, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (salt.Length > Bep44.MaxSaltLength)
            throw new ArgumentException($"A BEP 44 salt is at most {Bep44.MaxSaltLength} bytes, not {salt.Length}.", nameof(salt));
        if (Bencode.Encode(value).Length > Bep44.MaxValueLength)
            throw new ArgumentException(
                $"A DHT item holds at most {Bep44.MaxValueLength} bencoded bytes; store {value.Length} bytes with DhtLargeValue " +
                "and put its index here.", nameof(value));
        var seq = sequence ?? ((await GetMutableAsync(key.PublicKey, salt, cancellationToken).ConfigureAwait(false))?.Sequence ?? 0) + 1;
        return await PutMutableAsync(DhtMutableItem.Create(key, salt.Span, seq, value.Span), compareAndSwap, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Stores a mutable item this node's owner signed, and republishes it before it expires while the node runs.</summary>
    public async Task<DhtStoreResult> PutMutableAsync(DhtMutableItem item, long? compareAndSwap, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        var owned = new OwnedItem(item.Target, item.EncodedValue, item);
        var result = await PublishAsync(owned, compareAndSwap, cancellationToken).ConfigureAwait(false);
        if (result.Copies > 0)
            _owned[item.Target] = owned with { PublishedAt = Now };
        return result;
    }

    /// <summary>
    /// Stores, once, a mutable item someone else signed (a supplier keeping its customers' family records alive while their
    /// owners are offline); the caller puts it again before <see cref="DhtOptions.ItemLifetime"/> passes. Nodes keep it only
    /// while no higher sequence number of it reached them, so a stale copy never replaces the owner's newer one.
    /// </summary>
    public Task<DhtStoreResult> RepublishMutableAsync(DhtMutableItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (!item.HasValidSignature())
            throw new ArgumentException($"The item {item.Target} is not signed by the key it carries.", nameof(item));
        return PublishAsync(new OwnedItem(item.Target, item.EncodedValue, item), null, cancellationToken);
    }

    /// <summary>Whether this node's own store keeps an item under <paramref name="target"/>, without asking the network.</summary>
    internal bool HoldsItem(NodeId target) => _store.GetMutable(target, Now) is not null || _store.GetImmutable(target, Now) is not null;

    /// <summary>Reads the newest correctly signed version of a mutable item, or null when no node has one.</summary>
    public async Task<DhtMutableItem?> GetMutableAsync(byte[] publicKey, ReadOnlyMemory<byte> salt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        var target = Bep44.MutableTarget(publicKey, salt.Span);
        var newest = _store.GetMutable(target, Now);
        await LookupAsync(target, "get", "target", (_, answer) =>
        {
            var body = answer.Body;
            if (!body.TryGetValue("v", out var value) || !body.TryGetBytes("k", out var k) || !body.TryGetBytes("sig", out var sig) ||
                !body.TryGetInteger("seq", out var seq) || !k.AsSpan().SequenceEqual(publicKey) ||
                seq <= (newest?.Sequence ?? long.MinValue))
                return false;
            var item = new DhtMutableItem(k, salt.ToArray(), seq, Bencode.Encode(value), sig);
            if (item.HasValidSignature())
                newest = item;
            return false;
        }, cancellationToken, found: () => newest is not null).ConfigureAwait(false);
        return newest;
    }

    /// <summary>Announces that a peer (this host, on <paramref name="port"/>) serves <paramref name="infoHash"/>.</summary>
    public async Task<DhtStoreResult> AnnounceAsync(NodeId infoHash, int port, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        var lookup = await LookupAsync(infoHash, "get_peers", "info_hash", onAnswer: null, cancellationToken).ConfigureAwait(false);
        var answers = await Task.WhenAll(lookup.Closest.Where(c => lookup.Tokens.ContainsKey(c.Id)).Select(c =>
            QueryAsync(c, "announce_peer", new BencodeDictionary
            {
                { "implied_port", 0L }, { "info_hash", infoHash.Bytes }, { "port", (long)port }, { "token", lookup.Tokens[c.Id] },
            }, cancellationToken))).ConfigureAwait(false);
        _announced[infoHash] = new Announcement(port, Now);
        return new DhtStoreResult(infoHash, answers.Count(a => a is { Kind: KrpcMessageKind.Response }), 0, null);
    }

    /// <summary>The peers announced under <paramref name="infoHash"/> that the nodes closest to it know of.</summary>
    public async Task<IReadOnlyList<IPEndPoint>> GetPeersAsync(NodeId infoHash, CancellationToken cancellationToken)
    {
        var peers = new HashSet<IPEndPoint>(_store.GetPeers(infoHash, MaxPeersPerAnswer, Now));
        await LookupAsync(infoHash, "get_peers", "info_hash", (_, answer) =>
        {
            if (answer.Body.TryGetList("values", out var values))
            {
                foreach (var value in values)
                {
                    if (value is byte[] compact && CompactInfo.TryDecodePeer(compact, out var peer))
                        peers.Add(peer!);
                }
            }
            return false;
        }, cancellationToken, found: () => peers.Count > 0).ConfigureAwait(false);
        return peers.ToList();
    }

    /// <summary>Finds the nodes closest to the item's target (collecting their write tokens) and puts it on each.</summary>
    private async Task<DhtStoreResult> PublishAsync(OwnedItem item, long? compareAndSwap, CancellationToken cancellationToken)
    {
        // Owned items were encoded by this node, so they always read back.
        if (!Bencode.TryRead(item.EncodedValue, out var value, out var decodeError))
            throw new InvalidOperationException($"The owned item {item.Target} does not decode: {decodeError}.");
        var local = item.Mutable is null
            ? _store.PutImmutable(item.EncodedValue, Now)
            : _store.PutMutable(item.Mutable, compareAndSwap, Now);
        var lookup = await LookupAsync(item.Target, "get", "target", onAnswer: null, cancellationToken).ConfigureAwait(false);
        var puts = lookup.Closest.Where(c => lookup.Tokens.ContainsKey(c.Id)).Select(c =>
        {
            var arguments = new BencodeDictionary { { "token", lookup.Tokens[c.Id] }, { "v", value } };
            if (item.Mutable is { } mutable)
            {
                arguments["k"] = mutable.PublicKey;
                arguments["seq"] = mutable.Sequence;
                arguments["sig"] = mutable.Signature;
                if (mutable.Salt.Length > 0)
                    arguments["salt"] = mutable.Salt;
                if (compareAndSwap is { } cas)
                    arguments["cas"] = cas;
            }
            return QueryAsync(c, "put", arguments, cancellationToken);
        });
        var answers = await Task.WhenAll(puts).ConfigureAwait(false);
        var copies = answers.Count(a => a is { Kind: KrpcMessageKind.Response }) + (local.IsStored ? 1 : 0);
        var refusal = answers.FirstOrDefault(a => a is { Kind: KrpcMessageKind.Error }) is { } error
            ? new DhtPutResult(error.ErrorCode, error.ErrorMessage)
            : local.IsStored ? (DhtPutResult?)null : local;
        return new DhtStoreResult(item.Target, copies, item.Mutable?.Sequence ?? 0, refusal);
    }
}
