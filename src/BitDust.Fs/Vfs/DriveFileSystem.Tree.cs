using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Fs.Cache;

namespace BitDust.Fs.Vfs;

/// <summary>The tree: folders, links, names and attributes, each change written through to the catalog.</summary>
public sealed partial class DriveFileSystem
{
    public Errno MakeDirectory(string path, int mode, int uid, int gid)
    {
        if (_options.ReadOnly)
            return Errno.EROFS;
        lock (_tree)
        {
            var found = FindParent(path, out var parent, out var name);
            if (found != Errno.Ok)
                return found == Errno.EBUSY ? Errno.EEXIST : found;
            if (parent.Children.ContainsKey(name))
                return Errno.EEXIST;
            var now = DateTimeOffset.UtcNow;
            var folder = new DirectoryNode(name, mode, uid, gid, now, NewInode()) { Parent = parent };
            parent.Children.Add(name, folder);
            parent.Modified = parent.Changed = now;
            SaveEntry(folder);
            return Errno.Ok;
        }
    }

    public Errno RemoveDirectory(string path) => ChangingPaths(() =>
    {
        if (_options.ReadOnly)
            return Errno.EROFS;
        lock (_tree)
        {
            var node = Find(path);
            if (node is null)
                return Errno.ENOENT;
            if (node == _root)
                return Errno.EBUSY;
            if (node is not DirectoryNode folder)
                return Errno.ENOTDIR;
            if (folder.Children.Count > 0)
                return Errno.ENOTEMPTY;
            Detach(folder);
            _catalog.RemoveTreeEntry(folder.RemotePathBefore);
            return Errno.Ok;
        }
    });

    public Errno Unlink(string path) => ChangingPaths(() =>
    {
        if (_options.ReadOnly)
            return Errno.EROFS;
        lock (_tree)
        {
            var node = Find(path);
            if (node is null)
                return Errno.ENOENT;
            if (node is DirectoryNode)
                return Errno.EISDIR;
            Remove(node);
            return Errno.Ok;
        }
    });

    public Errno Rename(string from, string to, RenameFlags flags) => ChangingPaths(() =>
    {
        if (_options.ReadOnly)
            return Errno.EROFS;
        if ((flags & RenameFlags.Exchange) != 0)
            return Errno.EINVAL;
        lock (_tree)
        {
            var node = Find(from);
            if (node is null)
                return Errno.ENOENT;
            if (node == _root)
                return Errno.EBUSY;
            var found = FindParent(to, out var parent, out var name);
            if (found != Errno.Ok)
                return found;
            for (DriveNode? up = parent; up is not null; up = up.Parent)
            {
                if (up == node)
                    return Errno.EINVAL;
            }
            if (parent.Children.TryGetValue(name, out var target))
            {
                if (target == node)
                    return Errno.Ok;
                if ((flags & RenameFlags.NoReplace) != 0)
                    return Errno.EEXIST;
                if (node is DirectoryNode && target is not DirectoryNode)
                    return Errno.ENOTDIR;
                if (node is not DirectoryNode && target is DirectoryNode)
                    return Errno.EISDIR;
                if (target is DirectoryNode { Children.Count: > 0 })
                    return Errno.ENOTEMPTY;
                if (target is DirectoryNode emptyFolder)
                {
                    Detach(emptyFolder);
                    _catalog.RemoveTreeEntry(emptyFolder.RemotePathBefore);
                }
                else
                {
                    Remove(target);
                }
            }
            var oldPath = node.RemotePath;
            var now = DateTimeOffset.UtcNow;
            node.Parent!.Children.Remove(node.Name);
            node.Parent.Modified = node.Parent.Changed = now;
            node.Name = name;
            node.Parent = parent;
            parent.Children.Add(name, node);
            parent.Modified = parent.Changed = now;
            node.Changed = now;
            _catalog.Rename(oldPath, node.RemotePath);
            return Errno.Ok;
        }
    });

    /// <summary>Runs an operation that moves or removes nodes, while no upload is being queued under a path read before it.</summary>
    private Errno ChangingPaths(Func<Errno> change)
    {
        _paths.EnterWriteLock();
        try
        {
            return change();
        }
        finally
        {
            _paths.ExitWriteLock();
        }
    }

    public Errno ChangeMode(string path, ulong handle, int mode) => Change(path, handle, node => node.Mode = mode & 0xFFF);

    public Errno ChangeOwner(string path, ulong handle, int uid, int gid) => Change(path, handle, node =>
    {
        if (uid != -1)
            node.Uid = uid;
        if (gid != -1)
            node.Gid = gid;
    });

    public Errno SetTimes(string path, ulong handle, DateTimeOffset? accessed, DateTimeOffset? modified) => Change(path, handle, node =>
    {
        if (accessed is { } a)
            node.Accessed = a;
        if (modified is { } m)
            node.Modified = m;
    });

    private Errno Change(string path, ulong handle, Action<DriveNode> change)
    {
        if (_options.ReadOnly)
            return Errno.EROFS;
        lock (_tree)
        {
            var node = handle != 0 && _handles.TryGetValue(handle, out var open) ? open.Node : Find(path);
            if (node is null)
                return Errno.ENOENT;
            change(node);
            node.Changed = DateTimeOffset.UtcNow;
            if (node != _root && !(node is FileNode { Content: LocalContent { State: LocalState.Dirty } }))
                SaveEntry(node);
            return Errno.Ok;
        }
    }

    public Errno CreateSymlink(string target, string path, int uid, int gid)
    {
        if (_options.ReadOnly)
            return Errno.EROFS;
        if (target.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(target) > TreeEntry.MaxTargetBytes || target.Contains('\0'))
            return Errno.EINVAL;
        lock (_tree)
        {
            var found = FindParent(path, out var parent, out var name);
            if (found != Errno.Ok)
                return found == Errno.EBUSY ? Errno.EEXIST : found;
            if (parent.Children.ContainsKey(name))
                return Errno.EEXIST;
            var now = DateTimeOffset.UtcNow;
            var link = new SymlinkNode(name, target, uid, gid, now, NewInode()) { Parent = parent };
            parent.Children.Add(name, link);
            parent.Modified = parent.Changed = now;
            SaveEntry(link);
            return Errno.Ok;
        }
    }

    public Errno ReadSymlink(string path, out string target)
    {
        target = "";
        lock (_tree)
        {
            switch (Find(path))
            {
                case null:
                    return Errno.ENOENT;
                case SymlinkNode link:
                    target = link.Target;
                    return Errno.Ok;
                default:
                    return Errno.EINVAL;
            }
        }
    }

    public Errno Link(string existing, string path) => Errno.EPERM;

    /// <summary>Writes a node's tree entry (mode, owner, time, link target) to the catalog. Caller holds the tree lock or the content gate.</summary>
    private void SaveEntry(DriveNode node)
    {
        var kind = node switch
        {
            DirectoryNode => TreeEntryKind.Folder,
            SymlinkNode => TreeEntryKind.Symlink,
            _ => TreeEntryKind.File,
        };
        string path;
        lock (_tree)
        {
            if (node.Detached || node == _root)
                return;
            path = node.RemotePath;
        }
        _catalog.SetTreeEntry(new TreeEntry(path, kind, node.Mode, node.Modified, node.Uid, node.Gid, (node as SymlinkNode)?.Target));
    }

    /// <summary>Takes a file or link out of the tree and the catalog. Caller holds the tree lock.</summary>
    private void Remove(DriveNode node)
    {
        var path = node.RemotePath;
        Detach(node);
        _catalog.RemoveTreeEntry(path);
        if (node is not FileNode file)
            return;
        Interlocked.Add(ref _used, -file.Size);
        _catalog.ForgetQueuedUploads(path);
        if (_catalog.FindFile(path) is not null)
        {
            // Its versions go once no upload of them runs; until then they wait under a hidden name.
            _catalog.Rename(path, $"{TrashFolder}/{Guid.NewGuid():N}");
            WakeSweeper();
        }
        bool closed;
        lock (file.ContentGate)
            closed = file.Handles == 0;
        if (closed)
            Retire(file.Content);
    }

    /// <summary>Unhooks a node from its folder. Caller holds the tree lock.</summary>
    private static void Detach(DriveNode node)
    {
        node.RemotePathBefore = node.RemotePath;
        var now = DateTimeOffset.UtcNow;
        node.Parent!.Children.Remove(node.Name);
        node.Parent.Modified = node.Parent.Changed = now;
        node.Detached = true;
    }
}
