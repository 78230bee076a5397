namespace BitDust.Engine.Storage.Customer.Records;

/// <summary>What kind of drive entry a tree row describes.</summary>
public enum TreeEntryKind
{
    File = 0,
    Folder = 1,
    Symlink = 2,
}
