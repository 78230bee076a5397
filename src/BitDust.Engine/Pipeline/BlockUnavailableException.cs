namespace BitDust.Engine.Pipeline;

/// <summary>Fewer than k fragments of a block could be fetched and verified: the block cannot be read right now.</summary>
public sealed class BlockUnavailableException(FileVersion file, long blockIndex, int verified, int needed, IReadOnlyList<string> failures)
    : Exception($"Block {blockIndex} of {file} cannot be read: {verified} of the {needed} fragments needed were found intact. " +
        string.Join("; ", failures) + ". Bring the missing suppliers back online, or wait for the rebuild to replace them.")
{
    public FileVersion File { get; } = file;

    public long BlockIndex { get; } = blockIndex;

    public int Verified { get; } = verified;

    public int Needed { get; } = needed;

    public IReadOnlyList<string> Failures { get; } = failures;
}
