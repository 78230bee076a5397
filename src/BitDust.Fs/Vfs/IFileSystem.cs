namespace BitDust.Fs.Vfs;

/// <summary>
/// A file system as a platform adapter (FUSE here, WinFsp later) drives it. Paths are absolute and '/'-separated ("/" is the
/// root, "/a/b" a node in it). Every method is called on the adapter's threads, possibly many at once, and answers with an
/// <see cref="Errno"/> instead of throwing. Handles are the implementation's own numbers: the adapter passes back what
/// <see cref="Open"/> or <see cref="Create"/> gave, and <paramref name="handle"/> 0 means "no open handle".
/// </summary>
public interface IFileSystem
{
    Errno GetAttributes(string path, ulong handle, out NodeAttributes attributes);

    /// <summary>Fills <paramref name="entries"/> with every name in the directory (not "." or "..").</summary>
    Errno ReadDirectory(string path, List<DirectoryEntry> entries);

    Errno MakeDirectory(string path, int mode, int uid, int gid);

    Errno RemoveDirectory(string path);

    /// <summary>Creates and opens a file (<see cref="OpenFlags.Exclusive"/>: EEXIST when it exists).</summary>
    Errno Create(string path, int mode, OpenFlags flags, int uid, int gid, out ulong handle);

    Errno Open(string path, OpenFlags flags, out ulong handle);

    Errno Read(string path, ulong handle, Span<byte> buffer, long offset, out int bytesRead);

    Errno Write(string path, ulong handle, ReadOnlySpan<byte> data, long offset, out int bytesWritten);

    Errno Truncate(string path, ulong handle, long size);

    /// <summary>close(2) of one descriptor of an open handle (there may be several per handle after dup).</summary>
    Errno Flush(string path, ulong handle);

    /// <summary>The last descriptor of the handle is gone.</summary>
    Errno Release(string path, ulong handle);

    /// <summary>fsync(2): returns once the file's content is safe (for the drive: durable in the network), EIO if it cannot be.</summary>
    Errno Sync(string path, ulong handle, bool dataOnly);

    Errno Unlink(string path);

    Errno Rename(string from, string to, RenameFlags flags);

    /// <summary>chmod; <paramref name="handle"/> is set (and the path may be empty) for fchmod of an open file.</summary>
    Errno ChangeMode(string path, ulong handle, int mode);

    Errno ChangeOwner(string path, ulong handle, int uid, int gid);

    /// <summary>Sets the times; null leaves one as it is.</summary>
    Errno SetTimes(string path, ulong handle, DateTimeOffset? accessed, DateTimeOffset? modified);

    Errno CreateSymlink(string target, string path, int uid, int gid);

    Errno ReadSymlink(string path, out string target);

    /// <summary>hard links; a file system without them answers EPERM, as vfat does.</summary>
    Errno Link(string existing, string path);

    Errno GetStats(out FileSystemStats stats);

    /// <summary>
    /// Reads extended attribute <paramref name="name"/>. With an empty <paramref name="value"/> only its size is asked;
    /// ERANGE when it does not fit, ENODATA when there is no such attribute.
    /// </summary>
    Errno GetExtendedAttribute(string path, string name, Span<byte> value, out int size);

    Errno ListExtendedAttributes(string path, List<string> names);

    Errno SetExtendedAttribute(string path, string name, ReadOnlySpan<byte> value, int flags);

    Errno RemoveExtendedAttribute(string path, string name);

    /// <summary>The file system was unmounted (by us, fusermount3 -u, or the kernel); no call follows.</summary>
    void Unmounted();
}
