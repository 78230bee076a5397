using BitDust.Engine.Crypto;
using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Fs.Cache;

namespace BitDust.Fs.Vfs;

/// <summary>File contents: open, read, write, truncate, close and fsync.</summary>
public sealed partial class DriveFileSystem
{
    public Errno Create(string path, int mode, OpenFlags flags, int uid, int gid, out ulong handle)
    {
        handle = 0;
        if (_options.ReadOnly)
            return Errno.EROFS;
        FileNode file;
        lock (_tree)
        {
            var found = FindParent(path, out var parent, out var name);
            if (found != Errno.Ok)
                return found;
            if (parent.Children.TryGetValue(name, out var existing))
            {
                if ((flags & OpenFlags.Exclusive) != 0)
                    return Errno.EEXIST;
                if (existing is DirectoryNode)
                    return Errno.EISDIR;
            }
            else
            {
                var now = DateTimeOffset.UtcNow;
                Directory.CreateDirectory(_filesFolder);
                file = new FileNode(name, mode, uid, gid, now, NewInode(), LocalContent.Create(_filesFolder, Space)) { Parent = parent };
                parent.Children.Add(name, file);
                parent.Modified = parent.Changed = now;
                handle = AddHandle(file, flags | OpenFlags.Create);
                return Errno.Ok;
            }
        }
        return Open(path, flags & ~(OpenFlags.Create | OpenFlags.Exclusive), out handle);
    }

    public Errno Open(string path, OpenFlags flags, out ulong handle)
    {
        handle = 0;
        var writing = (flags & OpenFlags.AccessMask) != OpenFlags.ReadOnly;
        if (writing && _options.ReadOnly)
            return Errno.EROFS;
        FileNode file;
        lock (_tree)
        {
            switch (Find(path))
            {
                case null:
                    return Errno.ENOENT;
                case DirectoryNode:
                    return writing ? Errno.EISDIR : Errno.Ok;
                case FileNode found:
                    file = found;
                    break;
                default:
                    return Errno.ELOOP;
            }
        }
        if (writing && (flags & OpenFlags.Truncate) != 0)
        {
            var truncated = Resize(file, 0);
            if (truncated != Errno.Ok)
                return truncated;
        }
        if (!writing && path.EndsWith(Engine.Storage.Stub.Extension, StringComparison.Ordinal))
        {
            var materialized = MaterializeNextTo(path, file);
            if (materialized != Errno.Ok)
                return materialized;
        }
        handle = AddHandle(file, flags);
        return Errno.Ok;
    }

    private ulong AddHandle(FileNode file, OpenFlags flags)
    {
        var open = new DriveHandle(file, flags);
        lock (file.ContentGate)
        {
            file.Handles++;
            if (open.CanWrite)
                file.Writers++;
        }
        var id = (ulong)Interlocked.Increment(ref _nextHandle);
        _handles[id] = open;
        return id;
    }

    public Errno Read(string path, ulong handle, Span<byte> buffer, long offset, out int bytesRead)
    {
        bytesRead = 0;
        if (!_handles.TryGetValue(handle, out var open))
            return Errno.EBADF;
        var file = open.Node;
        for (var attempt = 0; ; attempt++)
        {
            var content = file.Content;
            try
            {
                switch (content)
                {
                    case LocalContent local:
                        bytesRead = local.Read(buffer, offset);
                        local.Touch();
                        break;
                    case RemoteContent remote:
                        var sequential = open.NextRead == offset;
                        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(buffer.Length);
                        try
                        {
                            bytesRead = FuseThreadWait.For(
                                remote.ReadAsync(rented.AsMemory(0, buffer.Length), offset, sequential, CancellationToken.None));
                            rented.AsSpan(0, bytesRead).CopyTo(buffer);
                        }
                        finally
                        {
                            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
                        }
                        break;
                }
                open.NextRead = offset + bytesRead;
                file.Accessed = DateTimeOffset.UtcNow;
                return Errno.Ok;
            }
            catch (ObjectDisposedException) when (attempt < 3 && !ReferenceEquals(content, file.Content))
            {
                // The content was swapped (evicted, rewritten) under the read: read what the file has now.
            }
            catch (Exception e) when (e is IOException or BlockUnavailableException or TamperedBlockException or ObjectDisposedException
                or UnauthorizedAccessException)
            {
                Log.Failed(_logger, "read", path, e.Message);
                return Errno.EIO;
            }
        }
    }

    public Errno Write(string path, ulong handle, ReadOnlySpan<byte> data, long offset, out int bytesWritten)
    {
        bytesWritten = 0;
        if (!_handles.TryGetValue(handle, out var open))
            return Errno.EBADF;
        if (!open.CanWrite)
            return Errno.EBADF;
        var file = open.Node;
        var ready = Writable(file, path, truncate: false, out var local);
        if (ready != Errno.Ok)
            return ready;
        var growth = Math.Max(0, offset + data.Length - local!.Length);
        if (growth > 0)
        {
            if (Interlocked.Add(ref _used, growth) > _options.Quota)
            {
                Interlocked.Add(ref _used, -growth);
                return Errno.ENOSPC;
            }
            // One grower of a copy at a time counts what it adds beyond what is counted already: writes of one file arriving
            // together (the kernel sends several at once) would otherwise each count the same pages.
            lock (local.GrowthGate)
            {
                var room = CacheSpace.Pages(offset + data.Length) - local.Counted;
                if (room > 0)
                {
                    FuseThreadWait.For(ReserveRoomAsync(room, writer: file));
                    local.Credit(room);
                }
            }
        }
        try
        {
            local.Write(data, offset);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            Interlocked.Add(ref _used, -growth);
            Log.Failed(_logger, "write", path, e.Message);
            return e is IOException io && io.HResult == 28 ? Errno.ENOSPC : Errno.EIO;
        }
        var now = DateTimeOffset.UtcNow;
        file.Modified = file.Changed = now;
        bytesWritten = data.Length;
        return Errno.Ok;
    }

    public Errno Truncate(string path, ulong handle, long size)
    {
        if (_options.ReadOnly)
            return Errno.EROFS;
        if (size < 0)
            return Errno.EINVAL;
        FileNode file;
        if (handle != 0 && _handles.TryGetValue(handle, out var open))
        {
            file = open.Node;
        }
        else
        {
            lock (_tree)
            {
                switch (Find(path))
                {
                    case null:
                        return Errno.ENOENT;
                    case DirectoryNode:
                        return Errno.EISDIR;
                    case FileNode found:
                        file = found;
                        break;
                    default:
                        return Errno.EINVAL;
                }
            }
        }
        var resized = Resize(file, size);
        if (resized != Errno.Ok)
            return resized;
        SealIfClosed(file);
        return Errno.Ok;
    }

    private Errno Resize(FileNode file, long size)
    {
        var ready = Writable(file, "", truncate: size == 0, out var local);
        if (ready != Errno.Ok)
            return ready;
        var growth = size - local!.Length;
        if (growth > 0 && Interlocked.Add(ref _used, growth) > _options.Quota)
        {
            Interlocked.Add(ref _used, -growth);
            return Errno.ENOSPC;
        }
        if (growth < 0)
            Interlocked.Add(ref _used, growth);
        local.SetLength(size);
        file.Modified = file.Changed = DateTimeOffset.UtcNow;
        return Errno.Ok;
    }

    public Errno Flush(string path, ulong handle) => _handles.ContainsKey(handle) ? Errno.Ok : Errno.EBADF;

    public Errno Release(string path, ulong handle)
    {
        // Counted from before the handle goes until its copy is queued: a flush (unmount) that looks in between waits for it.
        Interlocked.Increment(ref _closing);
        try
        {
            if (!_handles.TryRemove(handle, out var open))
                return Errno.EBADF;
            var file = open.Node;
            bool last;
            lock (file.ContentGate)
            {
                file.Handles--;
                if (open.CanWrite)
                    file.Writers--;
                last = file.Handles == 0;
            }
            if (file.Detached)
            {
                if (last)
                    Retire(file.Content);
                return Errno.Ok;
            }
            SealIfClosed(file);
            return Errno.Ok;
        }
        finally
        {
            Interlocked.Decrement(ref _closing);
        }
    }

    public Errno Sync(string path, ulong handle, bool dataOnly)
    {
        FileNode? file = handle != 0 && _handles.TryGetValue(handle, out var open) ? open.Node : null;
        if (file is null)
        {
            lock (_tree)
                file = Find(path) as FileNode;
        }
        if (file is null)
            return Errno.Ok;
        if (file.Detached)
            return Errno.Ok;
        LocalContent? waited = null;
        var sealedNow = false;
        lock (file.ContentGate)
        {
            if (file.Content is LocalContent { State: LocalState.Dirty } dirty)
            {
                dirty.Seal();
                (waited, sealedNow) = (dirty, true);
            }
            else if (file.Content is LocalContent { State: LocalState.Sealed } sealedCopy)
            {
                waited = sealedCopy;
            }
        }
        if (waited is null)
            return Errno.Ok;
        if (sealedNow)
            QueueUpload(file, waited);
        Queue.StartNow();
        var failure = FuseThreadWait.For(waited.WhenDurable);
        if (failure is null)
            return Errno.Ok;
        Log.Failed(_logger, "fsync", path, failure);
        return Errno.EIO;
    }

    /// <summary>
    /// Makes the file's content a dirty local copy it may write: as it is when already dirty, else a copy of it (a sealed
    /// copy is being uploaded, a durable one is the cached version; a network version is fetched whole), or an empty copy
    /// when it is about to be truncated to nothing.
    /// </summary>
    private Errno Writable(FileNode file, string path, bool truncate, out LocalContent? writable)
    {
        writable = null;
        lock (file.ContentGate)
        {
            var content = file.Content;
            if (content is LocalContent { State: LocalState.Dirty } dirty)
            {
                if (truncate)
                {
                    Interlocked.Add(ref _used, -dirty.Length);
                    dirty.SetLength(0);
                }
                writable = dirty;
                return Errno.Ok;
            }
            Directory.CreateDirectory(_filesFolder);
            LocalContent copy;
            try
            {
                if (truncate)
                {
                    copy = LocalContent.Create(_filesFolder, Space);
                    Interlocked.Add(ref _used, -content.Length);
                }
                else if (content is LocalContent local)
                {
                    var room = CacheSpace.Pages(local.Length);
                    FuseThreadWait.For(ReserveRoomAsync(room, keep: local, writer: file));
                    copy = LocalContent.CopyOf(local, local.Length, _filesFolder, Space, room);
                }
                else
                {
                    var remote = (RemoteContent)content;
                    var room = CacheSpace.Pages(remote.Length);
                    FuseThreadWait.For(ReserveRoomAsync(room, writer: file));
                    copy = LocalContent.Create(_filesFolder, Space, room);
                    try
                    {
                        FuseThreadWait.For(remote.CopyToAsync(copy, CancellationToken.None));
                    }
                    catch
                    {
                        copy.Discard();
                        throw;
                    }
                }
            }
            catch (Exception e) when (e is IOException or BlockUnavailableException or TamperedBlockException or ObjectDisposedException)
            {
                Log.Failed(_logger, "open for writing", path, e.Message);
                return Errno.EIO;
            }
            file.Content = copy;
            Retire(content);
            writable = copy;
            return Errno.Ok;
        }
    }

    /// <summary>A dirty copy that no handle writes any more is sealed and queued for upload.</summary>
    private void SealIfClosed(FileNode file)
    {
        LocalContent? sealedCopy = null;
        lock (file.ContentGate)
        {
            if (file.Writers == 0 && !file.Detached && file.Content is LocalContent { State: LocalState.Dirty } dirty)
            {
                dirty.Seal();
                sealedCopy = dirty;
            }
        }
        if (sealedCopy is not null)
            QueueUpload(file, sealedCopy);
    }

    /// <summary>
    /// Records a sealed copy's attributes in the catalog and queues its upload under the path the file has now. Both happen
    /// while no path can change (<see cref="_paths"/>): a rename or unlink (git renames NAME.lock over NAME the moment it
    /// closes it, while the kernel's release of that handle may still be on its way) comes before or after, never between
    /// reading the path and queueing. Other operations, and other files being queued, go on meanwhile. A file unlinked before
    /// has had its copy retired already. Callers hold no content gate and not the tree lock.
    /// </summary>
    private void QueueUpload(FileNode file, LocalContent content)
    {
        // The copy is sealed: its bytes do not change, so they are hashed here, before any lock is taken.
        byte[] checksum;
        try
        {
            checksum = ContentHash.OfFile(content.Path);
        }
        catch (IOException) when (content.IsDiscarded)
        {
            return;
        }
        _paths.EnterReadLock();
        try
        {
            string path;
            lock (_tree)
            {
                if (file.Detached)
                    return;
                path = file.RemotePath;
            }
            SaveEntry(file);
            Queue.Enqueue(content, path, version => Durable(file, content, version), checksum);
        }
        finally
        {
            _paths.ExitReadLock();
        }
    }

    /// <summary>The copy is durable: it stays as a cached copy while it is the file's content, and goes when evicted.</summary>
    private void Durable(FileNode file, LocalContent content, CatalogVersion version)
    {
        lock (file.ContentGate)
        {
            if (ReferenceEquals(file.Content, content) && !file.Detached)
            {
                content.Evicting = _ => Evicted(file, content, version);
                return;
            }
        }
        content.Discard();
    }

    /// <summary>
    /// The cache takes a durable copy back: the file reads from the network from now on. Only once its version is complete
    /// (every fragment stored: durable alone still leaves less than full redundancy); and a file busy on another thread keeps
    /// its copy for now (waiting for its gate under the cache's reservation lock could deadlock with that thread).
    /// </summary>
    private bool Evicted(FileNode file, LocalContent content, CatalogVersion version)
    {
        if (_catalog.FindVersion(version.File) is not { State: VersionState.Complete })
        {
            Interlocked.Increment(ref _shortOfRedundancy);
            return false;
        }
        if (!file.ContentGate.TryEnter())
            return false;
        try
        {
            if (ReferenceEquals(file.Content, content))
                file.Content = NewRemote(version);
            return true;
        }
        finally
        {
            file.ContentGate.Exit();
        }
    }

    /// <summary>
    /// Counts <paramref name="bytes"/> more in the cache — for a write or a block fetched for a read — evicting what it may and
    /// waiting (a bounded time) for what will become evictable: copies still uploading (<see cref="DriveOptions.RoomWait"/>),
    /// and durable copies whose version still lacks fragments, until the rebuild stores them (the upload asked it to; at most
    /// <see cref="DriveOptions.RedundancyWait"/> for all writers together, so a network short of suppliers stalls one writer
    /// once, not every write), and files just closed whose release has not reached the drive yet (a writer waits
    /// <see cref="CloseWait"/> while other files are open for writing). When nothing else could free room (a single file larger
    /// than the cache) they are counted anyway.
    /// </summary>
    private async Task ReserveRoomAsync(long bytes, IEvictable? keep = null, FileNode? writer = null)
    {
        var deadline = DateTime.UtcNow + _options.RoomWait;
        var closeDeadline = DateTime.UtcNow + CloseWait;
        while (true)
        {
            var refused = Volatile.Read(ref _shortOfRedundancy);
            if (Space.TryReserve(bytes, keep))
            {
                Interlocked.Exchange(ref _waitingForRedundancySince, 0);
                return;
            }
            var uploading = Queue.PendingFiles > 0 || Queue.Completing || Volatile.Read(ref _closing) > 0;
            var rebuilding = !uploading && Volatile.Read(ref _shortOfRedundancy) != refused && StillWaitingForRedundancy();
            var closing = !(uploading || rebuilding) && writer is not null && OthersOpenForWriting(writer) &&
                DateTime.UtcNow < closeDeadline;
            if (!(uploading || rebuilding || closing) || DateTime.UtcNow > deadline)
            {
                Log.OverLimit(_logger, Space.Used, Space.Limit, bytes, Queue.PendingFiles, Space.Evictable, Queue.Completing,
                    Volatile.Read(ref _shortOfRedundancy) - refused);
                Space.Add(bytes);
                return;
            }
            await Space.WaitForChangeAsync(TimeSpan.FromMilliseconds(100), CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// True while a file other than <paramref name="writer"/> is open for writing. The kernel sends a file's release after its
    /// close() returned, so a program copying files one after another writes the next while the last is still open here: it
    /// is queued for upload a moment later, and a writer short of room waits <see cref="CloseWait"/> for that.
    /// </summary>
    private bool OthersOpenForWriting(FileNode writer) =>
        _handles.Values.Any(h => h.CanWrite && !ReferenceEquals(h.Node, writer) && !h.Node.Detached);

    /// <summary>Starts or continues the one wait for copies short of redundancy; false once it has lasted its time.</summary>
    private bool StillWaitingForRedundancy()
    {
        var now = Environment.TickCount64;
        var since = Interlocked.CompareExchange(ref _waitingForRedundancySince, now, 0);
        return since == 0 || now - since <= (long)_options.RedundancyWait.TotalMilliseconds;
    }
}
