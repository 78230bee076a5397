namespace BitDust.Fs.Vfs;

/// <summary>
/// What <c>stat</c> shows of a node. <see cref="Mode"/> holds the permission bits only (07777); the adapter adds the type bits
/// from <see cref="Kind"/>. Times are UTC.
/// </summary>
public readonly record struct NodeAttributes(
    NodeKind Kind,
    int Mode,
    long Size,
    DateTimeOffset Modified,
    DateTimeOffset Accessed,
    DateTimeOffset Changed,
    int Uid,
    int Gid,
    long Inode,
    int Links);
