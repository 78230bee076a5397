using BitDust.Engine.Coding;

namespace BitDust.Engine.Pipeline;

/// <summary>
/// What the manifest records of one block: how it was stored, its AES-GCM tag (the block's integrity value) and the GMAC tag
/// of each of its n fragments (the per-fragment integrity values), so any fragment can be checked before it is used.
/// </summary>
public sealed class BlockEntry
{
    public const int TagSize = 16;

    public BlockEntry(BlockCodec codec, int storedLength, byte[] blockTag, byte[] fragmentTags)
    {
        if (blockTag.Length != TagSize)
            throw new ArgumentException($"A block tag is {TagSize} bytes, not {blockTag.Length}.", nameof(blockTag));
        if (fragmentTags.Length == 0 || fragmentTags.Length % TagSize != 0)
            throw new ArgumentException($"Fragment tags must be a multiple of {TagSize} bytes.", nameof(fragmentTags));
        Codec = codec;
        StoredLength = storedLength;
        BlockTag = blockTag;
        FragmentTags = fragmentTags;
    }

    public BlockCodec Codec { get; }

    /// <summary>Bytes of the block after compression, before sealing.</summary>
    public int StoredLength { get; }

    /// <summary>Bytes that are erasure-coded: the stored bytes and the AES-GCM tag.</summary>
    public int SealedLength => StoredLength + TagSize;

    public byte[] BlockTag { get; }

    public byte[] FragmentTags { get; }

    public int FragmentCount => FragmentTags.Length / TagSize;

    public ReadOnlySpan<byte> FragmentTag(int index) => FragmentTags.AsSpan(index * TagSize, TagSize);

    /// <summary>Length of each fragment's payload under <paramref name="scheme"/>.</summary>
    public int ShardLength(ErasureScheme scheme) => scheme.ShardLength(SealedLength);
}
