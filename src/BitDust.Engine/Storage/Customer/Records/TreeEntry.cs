namespace BitDust.Engine.Storage.Customer.Records;

/// <summary>
/// The drive's view of one path: a folder (which may be empty), a symbolic link, or the attributes of a file whose content is
/// in <c>files</c>/<c>versions</c>. Kept in the catalog so that a new machine restoring from the identity backup gets back the
/// same tree, with the same modes, owners and times.
/// </summary>
/// <param name="Mode">Permission bits (07777).</param>
/// <param name="Target">A symbolic link's target; null otherwise.</param>
public sealed record TreeEntry(string Path, TreeEntryKind Kind, int Mode, DateTimeOffset Modified, int Uid, int Gid, string? Target)
{
    public const int MaxTargetBytes = 4096;
}
