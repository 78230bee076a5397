namespace BitDust.Engine.Pipeline;

/// <summary>How a block's bytes were stored before sealing. The value is written into manifests: never renumber.</summary>
public enum BlockCodec : byte
{
    /// <summary>Stored as is: the block did not shrink (already compressed, encrypted or random data).</summary>
    None = 0,

    /// <summary>Zstandard frame.</summary>
    Zstd = 1,
}
