using BitDust.Engine.Coding;
using BitDust.Engine.Crypto;

namespace BitDust.Engine.Pipeline;

/// <summary>
/// The signed description of one file version: everything needed to find, check and decrypt it given the owner's master
/// key. It names no file (names live in the owner's catalog and stubs), so it can be backed up into the network as is.
/// </summary>
public sealed partial class Manifest
{
    public Manifest(FileVersion file, long size, int blockSize, ErasureScheme scheme, DateTimeOffset created, byte[] wrappedKey,
        IReadOnlyList<BlockEntry> blocks)
    {
        if (size is < 0 or > PipelineLimits.MaxFileSize)
            throw new ArgumentOutOfRangeException(nameof(size), size, $"A file size must be within 0..{PipelineLimits.MaxFileSize}.");
        if (blockSize is < PipelineLimits.MinBlockSize or > PipelineLimits.MaxBlockSize)
            throw new ArgumentOutOfRangeException(nameof(blockSize), blockSize, "Block size is outside the supported range.");
        if (BlockCountFor(size, blockSize) != blocks.Count)
            throw new ArgumentException($"{size} bytes in blocks of {blockSize} make {BlockCountFor(size, blockSize)} blocks, not {blocks.Count}.",
                nameof(blocks));
        if (blocks.Any(b => b.FragmentCount != scheme.Total))
            throw new ArgumentException($"Every block needs {scheme.Total} fragment tags for the scheme {scheme}.", nameof(blocks));
        File = file;
        Size = size;
        BlockSize = blockSize;
        Scheme = scheme;
        Created = created;
        WrappedKey = wrappedKey;
        Blocks = blocks;
    }

    public FileVersion File { get; }

    public long Size { get; }

    public int BlockSize { get; }

    public ErasureScheme Scheme { get; }

    public DateTimeOffset Created { get; }

    /// <summary>The version's data key, wrapped by the owner's master key with <see cref="File"/> as context.</summary>
    public byte[] WrappedKey { get; }

    public IReadOnlyList<BlockEntry> Blocks { get; }

    /// <summary>SHA-256 fingerprint of the identity that signed it (set once written or read).</summary>
    public string? SignerFingerprint { get; private set; }

    public static long BlockCountFor(long size, int blockSize) => (size + blockSize - 1) / blockSize;

    /// <summary>Length of the original bytes in block <paramref name="index"/>.</summary>
    public int PlainLength(long index) => (int)Math.Min(BlockSize, Size - index * BlockSize);

    /// <summary>Total bytes stored over all suppliers, headers included: what this version costs in quota.</summary>
    public long StoredBytes => Blocks.Sum(b => (long)Scheme.Total * (b.ShardLength(Scheme) + FragmentHeader.Size));

    /// <summary>Unwraps this version's data key.</summary>
    public DataKey UnwrapKey(MasterKey masterKey) => masterKey.UnwrapDataKey(WrappedKey, File.ToBytes());
}
