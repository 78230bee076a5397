using System.Runtime.InteropServices;

namespace BitDust.Fs.Fuse;

// The C structures libfuse 3.14 (x86_64) shares with us, laid out field for field. FuseLayoutTests compiles a C program
// against the installed headers and checks every size and offset here against what gcc says.

[StructLayout(LayoutKind.Sequential)]
internal struct TimeSpec
{
    public long Seconds;
    public long Nanoseconds;
}

/// <summary>struct stat (144 bytes).</summary>
[StructLayout(LayoutKind.Explicit, Size = 144)]
internal struct Stat
{
    [FieldOffset(0)] public ulong Device;
    [FieldOffset(8)] public ulong Inode;
    [FieldOffset(16)] public ulong Links;
    [FieldOffset(24)] public uint Mode;
    [FieldOffset(28)] public uint Uid;
    [FieldOffset(32)] public uint Gid;
    [FieldOffset(40)] public ulong RawDevice;
    [FieldOffset(48)] public long Size;
    [FieldOffset(56)] public long BlockSize;
    [FieldOffset(64)] public long Blocks;
    [FieldOffset(72)] public TimeSpec Accessed;
    [FieldOffset(88)] public TimeSpec Modified;
    [FieldOffset(104)] public TimeSpec Changed;
}

/// <summary>struct statvfs (112 bytes).</summary>
[StructLayout(LayoutKind.Explicit, Size = 112)]
internal struct StatVfs
{
    [FieldOffset(0)] public ulong BlockSize;
    [FieldOffset(8)] public ulong FragmentSize;
    [FieldOffset(16)] public ulong Blocks;
    [FieldOffset(24)] public ulong BlocksFree;
    [FieldOffset(32)] public ulong BlocksAvailable;
    [FieldOffset(40)] public ulong Files;
    [FieldOffset(48)] public ulong FilesFree;
    [FieldOffset(56)] public ulong FilesAvailable;
    [FieldOffset(64)] public ulong FileSystemId;
    [FieldOffset(72)] public ulong Flags;
    [FieldOffset(80)] public ulong NameMax;
}

/// <summary>struct fuse_file_info (40 bytes): open flags, the bit fields, and our handle in fh.</summary>
[StructLayout(LayoutKind.Explicit, Size = 40)]
internal struct FuseFileInfo
{
    [FieldOffset(0)] public int Flags;
    [FieldOffset(4)] public uint BitFields;
    [FieldOffset(16)] public ulong Handle;
    [FieldOffset(24)] public ulong LockOwner;
    [FieldOffset(32)] public uint PollEvents;
}

/// <summary>struct fuse_config (128 bytes); only the fields we set are named.</summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct FuseConfig
{
    [FieldOffset(24)] public double EntryTimeout;
    [FieldOffset(32)] public double NegativeTimeout;
    [FieldOffset(40)] public double AttributeTimeout;
    [FieldOffset(60)] public int HardRemove;
    [FieldOffset(64)] public int UseInode;
    [FieldOffset(76)] public int KernelCache;
    [FieldOffset(80)] public int AutoCache;
    [FieldOffset(104)] public int NullPathOk;
}

/// <summary>struct fuse_conn_info (128 bytes).</summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct FuseConnInfo
{
    [FieldOffset(0)] public uint ProtocolMajor;
    [FieldOffset(4)] public uint ProtocolMinor;
    [FieldOffset(8)] public uint MaxWrite;
    [FieldOffset(12)] public uint MaxRead;
    [FieldOffset(16)] public uint MaxReadahead;
    [FieldOffset(20)] public uint Capable;
    [FieldOffset(24)] public uint Want;
}

/// <summary>struct fuse_args (24 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FuseArgs
{
    public int Count;
    public byte** Values;
    public int Allocated;
}

/// <summary>struct fuse_context: who called, and the private data init returned.</summary>
[StructLayout(LayoutKind.Explicit)]
internal struct FuseContext
{
    [FieldOffset(0)] public nint Fuse;
    [FieldOffset(8)] public uint Uid;
    [FieldOffset(12)] public uint Gid;
    [FieldOffset(16)] public int Pid;
    [FieldOffset(24)] public nint PrivateData;
}

/// <summary>struct fuse_loop_config as fuse_loop_mt@FUSE_3.2 takes it (the public struct before 3.12 made it opaque).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseLoopConfigV1
{
    public int CloneFd;
    public uint MaxIdleThreads;
}

/// <summary>
/// struct fuse_operations (42 pointers in 3.14's order: a wrong slot calls the wrong function). Unused slots stay null and
/// libfuse answers ENOSYS for them.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseOperations
{
    public const int Count = 42;

    public nint GetAttr, ReadLink, MakeNode, MakeDirectory, Unlink, RemoveDirectory, Symlink, Rename, Link, ChangeMode, ChangeOwner,
        Truncate, Open, Read, Write, StatFs, Flush, Release, Fsync, SetXattr, GetXattr, ListXattr, RemoveXattr, OpenDirectory,
        ReadDirectory, ReleaseDirectory, FsyncDirectory, Init, Destroy, Access, Create, Lock, Utimens, Bmap, Ioctl, Poll, WriteBuffer,
        ReadBuffer, Flock, Fallocate, CopyFileRange, Lseek;
}
