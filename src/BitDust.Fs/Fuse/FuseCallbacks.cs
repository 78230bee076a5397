using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using BitDust.Fs.Vfs;
using Microsoft.Extensions.Logging;

namespace BitDust.Fs.Fuse;

/// <summary>
/// The functions libfuse calls, on its own threads. Each finds its file system through the context's private data, turns C
/// arguments into the VFS's, and answers 0, a count, or -errno. No exception ever reaches native code: one is logged and
/// answered with EIO (a name that is not UTF-8: EILSEQ).
/// </summary>
internal static unsafe partial class FuseCallbacks
{
    private const uint FileType = 0x8000;
    private const uint DirectoryType = 0x4000;
    private const uint SymlinkType = 0xA000;
    internal const long UtimeNow = (1L << 30) - 1;
    internal const long UtimeOmit = (1L << 30) - 2;
    internal const uint WritebackCapability = 1 << 16;

    public static FuseOperations Table() => new()
    {
        GetAttr = (nint)(delegate* unmanaged[Cdecl]<byte*, Stat*, FuseFileInfo*, int>)&GetAttr,
        ReadLink = (nint)(delegate* unmanaged[Cdecl]<byte*, byte*, nuint, int>)&ReadLink,
        MakeDirectory = (nint)(delegate* unmanaged[Cdecl]<byte*, uint, int>)&MakeDirectory,
        Unlink = (nint)(delegate* unmanaged[Cdecl]<byte*, int>)&Unlink,
        RemoveDirectory = (nint)(delegate* unmanaged[Cdecl]<byte*, int>)&RemoveDirectory,
        Symlink = (nint)(delegate* unmanaged[Cdecl]<byte*, byte*, int>)&Symlink,
        Rename = (nint)(delegate* unmanaged[Cdecl]<byte*, byte*, uint, int>)&Rename,
        Link = (nint)(delegate* unmanaged[Cdecl]<byte*, byte*, int>)&Link,
        ChangeMode = (nint)(delegate* unmanaged[Cdecl]<byte*, uint, FuseFileInfo*, int>)&ChangeMode,
        ChangeOwner = (nint)(delegate* unmanaged[Cdecl]<byte*, uint, uint, FuseFileInfo*, int>)&ChangeOwner,
        Truncate = (nint)(delegate* unmanaged[Cdecl]<byte*, long, FuseFileInfo*, int>)&Truncate,
        Open = (nint)(delegate* unmanaged[Cdecl]<byte*, FuseFileInfo*, int>)&Open,
        Read = (nint)(delegate* unmanaged[Cdecl]<byte*, byte*, nuint, long, FuseFileInfo*, int>)&Read,
        Write = (nint)(delegate* unmanaged[Cdecl]<byte*, byte*, nuint, long, FuseFileInfo*, int>)&Write,
        StatFs = (nint)(delegate* unmanaged[Cdecl]<byte*, StatVfs*, int>)&StatFs,
        Flush = (nint)(delegate* unmanaged[Cdecl]<byte*, FuseFileInfo*, int>)&Flush,
        Release = (nint)(delegate* unmanaged[Cdecl]<byte*, FuseFileInfo*, int>)&Release,
        Fsync = (nint)(delegate* unmanaged[Cdecl]<byte*, int, FuseFileInfo*, int>)&Fsync,
        SetXattr = (nint)(delegate* unmanaged[Cdecl]<byte*, byte*, byte*, nuint, int, int>)&SetXattr,
        GetXattr = (nint)(delegate* unmanaged[Cdecl]<byte*, byte*, byte*, nuint, int>)&GetXattr,
        ListXattr = (nint)(delegate* unmanaged[Cdecl]<byte*, byte*, nuint, int>)&ListXattr,
        RemoveXattr = (nint)(delegate* unmanaged[Cdecl]<byte*, byte*, int>)&RemoveXattr,
        OpenDirectory = (nint)(delegate* unmanaged[Cdecl]<byte*, FuseFileInfo*, int>)&OpenDirectory,
        ReadDirectory = (nint)(delegate* unmanaged[Cdecl]<byte*, void*, nint, long, FuseFileInfo*, int, int>)&ReadDirectory,
        ReleaseDirectory = (nint)(delegate* unmanaged[Cdecl]<byte*, FuseFileInfo*, int>)&ReleaseDirectory,
        Init = (nint)(delegate* unmanaged[Cdecl]<FuseConnInfo*, FuseConfig*, nint>)&Init,
        Destroy = (nint)(delegate* unmanaged[Cdecl]<nint, void>)&Destroy,
        Create = (nint)(delegate* unmanaged[Cdecl]<byte*, uint, FuseFileInfo*, int>)&Create,
        Utimens = (nint)(delegate* unmanaged[Cdecl]<byte*, TimeSpec*, FuseFileInfo*, int>)&Utimens,
    };

    /// <summary>
    /// What a mount's callbacks need: the file system, its options, and the folders open for listing (with nullpath_ok,
    /// libfuse may call readdir without a path: the folder is found by the handle opendir gave).
    /// </summary>
    internal sealed class Target(IFileSystem fileSystem, FuseMountOptions options)
    {
        private long _nextFolder;

        public IFileSystem FileSystem { get; } = fileSystem;

        public FuseMountOptions Options { get; } = options;

        public System.Collections.Concurrent.ConcurrentDictionary<ulong, string> Folders { get; } = new();

        public ulong OpenFolder(string path)
        {
            var handle = (ulong)Interlocked.Increment(ref _nextFolder);
            Folders[handle] = path;
            return handle;
        }
    }

    private static Target Current()
    {
        var context = FuseLibrary.Api.GetContext();
        return (Target)GCHandle.FromIntPtr(context->PrivateData).Target!;
    }

    private static (int Uid, int Gid) Caller()
    {
        var context = FuseLibrary.Api.GetContext();
        return ((int)context->Uid, (int)context->Gid);
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// A path or name from the kernel. One that is not UTF-8 throws (answered EILSEQ by <see cref="Run"/>): decoded with U+FFFD
    /// it would be stored as other bytes than were given, and two such names would become one.
    /// </summary>
    private static string PathOf(byte* path) =>
        path is null ? "" : StrictUtf8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(path));

    private static ulong HandleOf(FuseFileInfo* info) => info is null ? 0 : info->Handle;

    /// <summary>Runs one operation: its errno, negated, or EIO (logged) for anything it threw.</summary>
    private static int Run(Func<IFileSystem, int> operation, [CallerMemberName] string name = "")
    {
        Target? target = null;
        try
        {
            target = Current();
            return operation(target.FileSystem);
        }
        catch (DecoderFallbackException)
        {
            return Answer(Errno.EILSEQ);
        }
        catch (Exception e)
        {
            if (target?.Options.Logger is { } logger)
                FuseLog.OperationThrew(logger, name, e);
            return -(int)Errno.EIO;
        }
    }

    private static int Answer(Errno errno) => -(int)errno;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int GetAttr(byte* path, Stat* stat, FuseFileInfo* info) => Run(fs =>
    {
        var errno = fs.GetAttributes(PathOf(path), HandleOf(info), out var attributes);
        if (errno == Errno.Ok)
            Fill(stat, attributes);
        return Answer(errno);
    });

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int ReadLink(byte* path, byte* buffer, nuint size) => Run(fs =>
    {
        var errno = fs.ReadSymlink(PathOf(path), out var target);
        if (errno != Errno.Ok)
            return Answer(errno);
        var bytes = Encoding.UTF8.GetBytes(target);
        var length = (int)Math.Min((ulong)bytes.Length, size - 1);
        bytes.AsSpan(0, length).CopyTo(new Span<byte>(buffer, length));
        buffer[length] = 0;
        return 0;
    });

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int MakeDirectory(byte* path, uint mode) => Run(fs =>
    {
        var (uid, gid) = Caller();
        return Answer(fs.MakeDirectory(PathOf(path), (int)(mode & 0xFFF), uid, gid));
    });

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Unlink(byte* path) => Run(fs => Answer(fs.Unlink(PathOf(path))));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int RemoveDirectory(byte* path) => Run(fs => Answer(fs.RemoveDirectory(PathOf(path))));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Symlink(byte* target, byte* path) => Run(fs =>
    {
        var (uid, gid) = Caller();
        return Answer(fs.CreateSymlink(PathOf(target), PathOf(path), uid, gid));
    });

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Rename(byte* from, byte* to, uint flags) =>
        Run(fs => Answer(fs.Rename(PathOf(from), PathOf(to), (RenameFlags)flags)));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Link(byte* existing, byte* path) => Run(fs => Answer(fs.Link(PathOf(existing), PathOf(path))));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int ChangeMode(byte* path, uint mode, FuseFileInfo* info) =>
        Run(fs => Answer(fs.ChangeMode(PathOf(path), HandleOf(info), (int)(mode & 0xFFF))));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int ChangeOwner(byte* path, uint uid, uint gid, FuseFileInfo* info) =>
        Run(fs => Answer(fs.ChangeOwner(PathOf(path), HandleOf(info), (int)uid, (int)gid)));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Truncate(byte* path, long size, FuseFileInfo* info) =>
        Run(fs => Answer(fs.Truncate(PathOf(path), HandleOf(info), size)));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Open(byte* path, FuseFileInfo* info) => Run(fs =>
    {
        var errno = fs.Open(PathOf(path), (OpenFlags)info->Flags, out var handle);
        info->Handle = handle;
        return Answer(errno);
    });

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Create(byte* path, uint mode, FuseFileInfo* info) => Run(fs =>
    {
        var (uid, gid) = Caller();
        var errno = fs.Create(PathOf(path), (int)(mode & 0xFFF), (OpenFlags)info->Flags, uid, gid, out var handle);
        info->Handle = handle;
        return Answer(errno);
    });

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Read(byte* path, byte* buffer, nuint size, long offset, FuseFileInfo* info) => Run(fs =>
    {
        var errno = fs.Read(PathOf(path), HandleOf(info), new Span<byte>(buffer, (int)size), offset, out var read);
        return errno == Errno.Ok ? read : Answer(errno);
    });

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Write(byte* path, byte* buffer, nuint size, long offset, FuseFileInfo* info) => Run(fs =>
    {
        var errno = fs.Write(PathOf(path), HandleOf(info), new ReadOnlySpan<byte>(buffer, (int)size), offset, out var written);
        return errno == Errno.Ok ? written : Answer(errno);
    });

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int StatFs(byte* path, StatVfs* stat) => Run(fs =>
    {
        var errno = fs.GetStats(out var stats);
        if (errno != Errno.Ok)
            return Answer(errno);
        var block = (ulong)stats.BlockSize;
        *stat = new StatVfs
        {
            BlockSize = block, FragmentSize = block, Blocks = (ulong)stats.TotalBytes / block, BlocksFree = (ulong)stats.FreeBytes / block,
            BlocksAvailable = (ulong)stats.FreeBytes / block, Files = (ulong)stats.Files, FilesFree = (ulong)stats.FreeFiles,
            FilesAvailable = (ulong)stats.FreeFiles, NameMax = (ulong)stats.MaxNameLength,
        };
        return 0;
    });

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Flush(byte* path, FuseFileInfo* info) => Run(fs => Answer(fs.Flush(PathOf(path), HandleOf(info))));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Release(byte* path, FuseFileInfo* info) => Run(fs => Answer(fs.Release(PathOf(path), HandleOf(info))));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Fsync(byte* path, int dataOnly, FuseFileInfo* info) =>
        Run(fs => Answer(fs.Sync(PathOf(path), HandleOf(info), dataOnly != 0)));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int SetXattr(byte* path, byte* name, byte* value, nuint size, int flags) =>
        Run(fs => Answer(fs.SetExtendedAttribute(PathOf(path), PathOf(name), new ReadOnlySpan<byte>(value, (int)size), flags)));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int GetXattr(byte* path, byte* name, byte* value, nuint size) => Run(fs =>
    {
        var errno = fs.GetExtendedAttribute(PathOf(path), PathOf(name), new Span<byte>(value, (int)size), out var length);
        return errno == Errno.Ok ? length : Answer(errno);
    });

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int ListXattr(byte* path, byte* list, nuint size) => Run(fs =>
    {
        var names = new List<string>();
        var errno = fs.ListExtendedAttributes(PathOf(path), names);
        if (errno != Errno.Ok)
            return Answer(errno);
        var bytes = Encoding.UTF8.GetBytes(string.Concat(names.Select(n => n + "\0")));
        if (size == 0)
            return bytes.Length;
        if ((ulong)bytes.Length > size)
            return Answer(Errno.ERANGE);
        bytes.CopyTo(new Span<byte>(list, bytes.Length));
        return bytes.Length;
    });

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int RemoveXattr(byte* path, byte* name) => Run(fs => Answer(fs.RemoveExtendedAttribute(PathOf(path), PathOf(name))));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int OpenDirectory(byte* path, FuseFileInfo* info) => Run(fs =>
    {
        var folder = PathOf(path);
        var errno = fs.GetAttributes(folder, 0, out var attributes);
        if (errno != Errno.Ok)
            return Answer(errno);
        if (attributes.Kind != NodeKind.Directory)
            return Answer(Errno.ENOTDIR);
        info->Handle = Current().OpenFolder(folder);
        return 0;
    });

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int ReleaseDirectory(byte* path, FuseFileInfo* info) => Run(fs =>
    {
        Current().Folders.TryRemove(HandleOf(info), out _);
        return 0;
    });

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int ReadDirectory(byte* path, void* buffer, nint filler, long offset, FuseFileInfo* info, int flags) => Run(fs =>
    {
        var entries = new List<DirectoryEntry>();
        var folder = path is not null ? PathOf(path) : Current().Folders.GetValueOrDefault(HandleOf(info), "");
        var errno = fs.ReadDirectory(folder, entries);
        if (errno != Errno.Ok)
            return Answer(errno);
        var fill = (delegate* unmanaged[Cdecl]<void*, byte*, Stat*, long, int, int>)filler;
        AddEntry(fill, buffer, ".", null);
        AddEntry(fill, buffer, "..", null);
        foreach (var entry in entries)
        {
            var attributes = entry.Attributes;
            if (AddEntry(fill, buffer, entry.Name, &attributes) != 0)
                break;
        }
        return 0;
    });

    private static int AddEntry(delegate* unmanaged[Cdecl]<void*, byte*, Stat*, long, int, int> fill, void* buffer, string name,
        NodeAttributes* attributes)
    {
        var bytes = Encoding.UTF8.GetBytes(name + "\0");
        Stat stat = default;
        if (attributes is not null)
            Fill(&stat, *attributes);
        fixed (byte* pointer = bytes)
            return fill(buffer, pointer, attributes is null ? null : &stat, 0, 0);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static nint Init(FuseConnInfo* connection, FuseConfig* config)
    {
        var context = FuseLibrary.Api.GetContext();
        try
        {
            var options = ((Target)GCHandle.FromIntPtr(context->PrivateData).Target!).Options;
            var timeout = options.AttributeTimeout.TotalSeconds;
            config->EntryTimeout = timeout;
            config->AttributeTimeout = timeout;
            config->NegativeTimeout = 0;
            config->UseInode = 1;
            config->HardRemove = 1;
            config->NullPathOk = 1;
            config->AutoCache = 1;
            connection->MaxWrite = 1 << 20;
            connection->MaxReadahead = Math.Max(connection->MaxReadahead, 1u << 20);
            if (options.WritebackCache && (connection->Capable & WritebackCapability) != 0)
                connection->Want |= WritebackCapability;
        }
        catch (Exception)
        {
            // Defaults are safe: the mount works with libfuse's own settings.
        }
        return context->PrivateData;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Destroy(nint privateData)
    {
        try
        {
            ((Target)GCHandle.FromIntPtr(privateData).Target!).FileSystem.Unmounted();
        }
        catch (Exception)
        {
            // Unmounting goes on whatever the file system says.
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Utimens(byte* path, TimeSpec* times, FuseFileInfo* info) => Run(fs =>
    {
        var now = DateTimeOffset.UtcNow;
        return Answer(fs.SetTimes(PathOf(path), HandleOf(info), Time(times[0], now), Time(times[1], now)));
    });

    private static DateTimeOffset? Time(TimeSpec time, DateTimeOffset now) => time.Nanoseconds switch
    {
        UtimeOmit => null,
        UtimeNow => now,
        _ => DateTimeOffset.UnixEpoch.AddTicks(time.Seconds * TimeSpan.TicksPerSecond + time.Nanoseconds / 100),
    };

    private static void Fill(Stat* stat, NodeAttributes attributes)
    {
        *stat = default;
        stat->Inode = (ulong)attributes.Inode;
        stat->Mode = (uint)attributes.Mode | attributes.Kind switch
        {
            NodeKind.Directory => DirectoryType,
            NodeKind.Symlink => SymlinkType,
            _ => FileType,
        };
        stat->Links = (ulong)attributes.Links;
        stat->Uid = (uint)attributes.Uid;
        stat->Gid = (uint)attributes.Gid;
        stat->Size = attributes.Size;
        stat->BlockSize = 128 * 1024;
        stat->Blocks = (attributes.Size + 511) / 512;
        stat->Accessed = Spec(attributes.Accessed);
        stat->Modified = Spec(attributes.Modified);
        stat->Changed = Spec(attributes.Changed);
    }

    private static TimeSpec Spec(DateTimeOffset time)
    {
        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return new TimeSpec
        {
            Seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var rest) - (rest < 0 ? 1 : 0),
            Nanoseconds = (rest < 0 ? rest + TimeSpan.TicksPerSecond : rest) * 100,
        };
    }
}

internal static partial class FuseLog
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Error, Message = "FUSE {Operation} threw; answered EIO")]
    public static partial void OperationThrew(ILogger logger, string operation, Exception exception);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information,
        Message = "the kernel's read-ahead stays as it was: {Setting} cannot be written ({Reason})")]
    public static partial void ReadAheadKept(ILogger logger, string setting, string reason);
}
