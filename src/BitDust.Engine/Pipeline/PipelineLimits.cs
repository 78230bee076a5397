namespace BitDust.Engine.Pipeline;

/// <summary>Bounds every parser checks before it allocates: one place, so formats agree with each other.</summary>
public static class PipelineLimits
{
    public const int MinBlockSize = 4 * 1024;
    public const int MaxBlockSize = 64 * 1024 * 1024;
    public const int DefaultBlockSize = 4 * 1024 * 1024;

    /// <summary>k + m of the largest scheme (64 suppliers, 32 + 32, fits with room to spare).</summary>
    public const int MaxFragments = 256;

    /// <summary>Blocks per file version: 2^24 blocks of 64 MiB is 1 PiB.</summary>
    public const long MaxBlocks = 1L << 24;

    /// <summary>Largest file size a manifest may claim (2^53: exact in every JSON parser).</summary>
    public const long MaxFileSize = 1L << 53;

    /// <summary>Seal overhead: the AES-GCM tag. Compression is kept only when it shrinks a block, so it adds nothing.</summary>
    public const int MaxSealOverhead = 16;
}
