using System.Buffers.Binary;

namespace BitDust.Engine.Network.Dht;

/// <summary>
/// Values larger than one BEP 44 item: the value is cut into immutable chunks, and a small immutable index lists
/// them by hash. The index's target names the whole value (it can itself be put in a mutable item). Every chunk is
/// an immutable item, so a reader checks each one against its hash and a node cannot substitute content.
/// </summary>
public static class DhtLargeValue
{
    public const byte FormatVersion = 1;

    /// <summary>Chunk bytes per item: "990:" and 990 bytes stay under BEP 44's 1000-byte value limit.</summary>
    public const int ChunkLength = 990;

    /// <summary>Version byte and a 4-byte big-endian total length, then one 20-byte hash per chunk.</summary>
    private const int IndexHeaderLength = 5;

    /// <summary>Chunks one index can list while its own bencoded value ("NNN:" + bytes) stays within 1000 bytes.</summary>
    public const int MaxChunks = (Bep44.MaxValueLength - 4 - IndexHeaderLength) / NodeId.Length;

    public const int MaxLength = MaxChunks * ChunkLength;

    /// <summary>
    /// Stores <paramref name="value"/> and returns the target of its index; <paramref name="republish"/> as in
    /// <see cref="DhtNode.PutImmutableAsync"/>.
    /// </summary>
    public static async Task<NodeId> PutAsync(DhtNode node, ReadOnlyMemory<byte> value, CancellationToken cancellationToken,
        bool republish = true)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (value.Length > MaxLength)
            throw new ArgumentException($"A large DHT value holds at most {MaxLength} bytes, not {value.Length}.", nameof(value));
        var chunkCount = (value.Length + ChunkLength - 1) / ChunkLength;
        var chunks = Enumerable.Range(0, chunkCount)
            .Select(i => value.Slice(i * ChunkLength, Math.Min(ChunkLength, value.Length - (i * ChunkLength))));
        var stored = await Task.WhenAll(chunks.Select(c => node.PutImmutableAsync(c, cancellationToken, republish))).ConfigureAwait(false);
        var index = new byte[IndexHeaderLength + (chunkCount * NodeId.Length)];
        index[0] = FormatVersion;
        BinaryPrimitives.WriteInt32BigEndian(index.AsSpan(1), value.Length);
        for (var i = 0; i < chunkCount; i++)
            stored[i].Target.Bytes.Span.CopyTo(index.AsSpan(IndexHeaderLength + (i * NodeId.Length)));
        return (await node.PutImmutableAsync(index, cancellationToken, republish).ConfigureAwait(false)).Target;
    }

    /// <summary>Reads a value stored by <see cref="PutAsync"/>; null when the index or any chunk is not found.</summary>
    public static async Task<byte[]?> GetAsync(DhtNode node, NodeId indexTarget, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        var index = await node.GetImmutableAsync(indexTarget, cancellationToken).ConfigureAwait(false);
        if (index is null)
            return null;
        if (!TryReadIndex(index, out var length, out var chunks, out var error))
            throw new InvalidDataException($"The DHT value index {indexTarget} is not one BitDust wrote: {error}.");
        var parts = await Task.WhenAll(chunks.Select(c => node.GetImmutableAsync(c, cancellationToken))).ConfigureAwait(false);
        if (parts.Any(p => p is null))
            return null;
        var value = parts.SelectMany(p => p!).ToArray();
        if (value.Length != length)
            throw new InvalidDataException($"The DHT value {indexTarget} has {value.Length} bytes where its index says {length}.");
        return value;
    }

    private static bool TryReadIndex(byte[] index, out int length, out List<NodeId> chunks, out string error)
    {
        length = 0;
        chunks = [];
        if (index.Length < IndexHeaderLength || index[0] != FormatVersion)
        {
            error = "unknown format version";
            return false;
        }
        length = BinaryPrimitives.ReadInt32BigEndian(index.AsSpan(1));
        var hashes = index.Length - IndexHeaderLength;
        if (hashes % NodeId.Length != 0 || length < 0 || length > MaxLength ||
            (length + ChunkLength - 1) / ChunkLength != hashes / NodeId.Length)
        {
            error = "the length does not match the chunk list";
            return false;
        }
        for (var offset = IndexHeaderLength; offset < index.Length; offset += NodeId.Length)
            chunks.Add(NodeId.FromBytes(index.AsSpan(offset, NodeId.Length)));
        error = "";
        return true;
    }
}
