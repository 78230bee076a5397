using BitDust.Fs.Cache;

namespace BitDust.Fs.Vfs;

/// <summary>
/// A node of the drive's tree in memory. Names, parents and attributes change under the file system's tree lock; a file's
/// content is swapped under its own lock, so reads and writes of different files never wait for each other.
/// </summary>
internal abstract class DriveNode(string name, int mode, int uid, int gid, DateTimeOffset modified, long inode)
{
    private long _modified = modified.UtcTicks;
    private long _accessed = modified.UtcTicks;
    private long _changed = modified.UtcTicks;

    public string Name { get; set; } = name;

    public DirectoryNode? Parent { get; set; }

    public int Mode { get; set; } = mode & 0xFFF;

    public int Uid { get; set; } = uid;

    public int Gid { get; set; } = gid;

    public long Inode { get; } = inode;

    /// <summary>Removed from the tree (it may still be open).</summary>
    public bool Detached { get; set; }

    /// <summary>The catalog path the node had when it was detached.</summary>
    public string RemotePathBefore { get; set; } = "";

    public abstract NodeKind Kind { get; }

    public abstract long Size { get; }

    public DateTimeOffset Modified
    {
        get => new(Interlocked.Read(ref _modified), TimeSpan.Zero);
        set => Interlocked.Exchange(ref _modified, value.UtcTicks);
    }

    public DateTimeOffset Accessed
    {
        get => new(Interlocked.Read(ref _accessed), TimeSpan.Zero);
        set => Interlocked.Exchange(ref _accessed, value.UtcTicks);
    }

    public DateTimeOffset Changed
    {
        get => new(Interlocked.Read(ref _changed), TimeSpan.Zero);
        set => Interlocked.Exchange(ref _changed, value.UtcTicks);
    }

    /// <summary>The catalog path: "" for the root, "a/b" for /a/b.</summary>
    public string RemotePath
    {
        get
        {
            if (Parent is null)
                return "";
            var parent = Parent.RemotePath;
            return parent.Length == 0 ? Name : parent + "/" + Name;
        }
    }

    public NodeAttributes Attributes(int links) =>
        new(Kind, Mode, Size, Modified, Accessed, Changed, Uid, Gid, Inode, links);
}

internal sealed class DirectoryNode(string name, int mode, int uid, int gid, DateTimeOffset modified, long inode)
    : DriveNode(name, mode, uid, gid, modified, inode)
{
    public Dictionary<string, DriveNode> Children { get; } = new(StringComparer.Ordinal);

    public override NodeKind Kind => NodeKind.Directory;

    public override long Size => 4096;
}

internal sealed class SymlinkNode(string name, string target, int uid, int gid, DateTimeOffset modified, long inode)
    : DriveNode(name, 0x1FF, uid, gid, modified, inode)
{
    public string Target { get; } = target;

    public override NodeKind Kind => NodeKind.Symlink;

    public override long Size => System.Text.Encoding.UTF8.GetByteCount(Target);
}

internal sealed class FileNode(string name, int mode, int uid, int gid, DateTimeOffset modified, long inode, FileContent content)
    : DriveNode(name, mode, uid, gid, modified, inode)
{
    private FileContent _content = content;

    /// <summary>Held while the content is swapped (copy on write, truncate, eviction).</summary>
    public Lock ContentGate { get; } = new();

    public FileContent Content
    {
        get => Volatile.Read(ref _content);
        set => Volatile.Write(ref _content, value);
    }

    /// <summary>Open handles that may write; the copy is sealed and queued when the last one closes.</summary>
    public int Writers { get; set; }

    /// <summary>Open handles of any kind; a deleted file's copy goes when the last one closes.</summary>
    public int Handles { get; set; }

    public override NodeKind Kind => NodeKind.File;

    public override long Size => Content.Length;
}
