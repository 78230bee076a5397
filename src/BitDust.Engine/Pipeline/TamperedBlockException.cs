namespace BitDust.Engine.Pipeline;

/// <summary>A block rebuilt from verified fragments still does not match its manifest: a bug or a forged manifest.</summary>
public sealed class TamperedBlockException(FileVersion file, long blockIndex, string reason)
    : Exception($"Block {blockIndex} of {file} does not match its manifest ({reason}); its contents were not returned.")
{
    public FileVersion File { get; } = file;

    public long BlockIndex { get; } = blockIndex;
}
