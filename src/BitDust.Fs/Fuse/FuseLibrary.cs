using System.Runtime.InteropServices;

namespace BitDust.Fs.Fuse;

/// <summary>
/// libfuse3.so.3, loaded explicitly, with the versioned symbols whose signatures we declare: fuse_new@FUSE_3.1 and
/// fuse_loop_mt@FUSE_3.2 (the one taking the two-field struct fuse_loop_config).
/// </summary>
internal static unsafe partial class FuseLibrary
{
    public const string Name = "libfuse3.so.3";

    private static readonly Lazy<Functions> Loaded = new(Load);

    public static Functions Api => Loaded.Value;

    internal sealed class Functions
    {
        public required delegate* unmanaged[Cdecl]<FuseArgs*, FuseOperations*, nuint, nint, nint> New { get; init; }

        public required delegate* unmanaged[Cdecl]<nint, byte*, int> Mount { get; init; }

        public required delegate* unmanaged[Cdecl]<nint, FuseLoopConfigV1*, int> LoopMultiThreaded { get; init; }

        public required delegate* unmanaged[Cdecl]<nint, void> Exit { get; init; }

        public required delegate* unmanaged[Cdecl]<nint, void> Unmount { get; init; }

        public required delegate* unmanaged[Cdecl]<nint, void> Destroy { get; init; }

        public required delegate* unmanaged[Cdecl]<FuseContext*> GetContext { get; init; }
    }

    private static Functions Load()
    {
        if (!OperatingSystem.IsLinux())
            throw new FuseException("FUSE drives are supported on Linux only; on Windows the drive needs WinFsp, which is not supported yet");
        nint library;
        try
        {
            library = NativeLibrary.Load(Name);
        }
        catch (DllNotFoundException e)
        {
            throw new FuseException($"cannot load {Name} ({e.Message}); install it: apt-get install -y fuse3 libfuse3-3", e);
        }
        return new Functions
        {
            New = (delegate* unmanaged[Cdecl]<FuseArgs*, FuseOperations*, nuint, nint, nint>)Symbol(library, "fuse_new", "FUSE_3.1"),
            Mount = (delegate* unmanaged[Cdecl]<nint, byte*, int>)Symbol(library, "fuse_mount", "FUSE_3.0"),
            LoopMultiThreaded = (delegate* unmanaged[Cdecl]<nint, FuseLoopConfigV1*, int>)Symbol(library, "fuse_loop_mt", "FUSE_3.2"),
            Exit = (delegate* unmanaged[Cdecl]<nint, void>)Symbol(library, "fuse_exit", "FUSE_3.0"),
            Unmount = (delegate* unmanaged[Cdecl]<nint, void>)Symbol(library, "fuse_unmount", "FUSE_3.0"),
            Destroy = (delegate* unmanaged[Cdecl]<nint, void>)Symbol(library, "fuse_destroy", "FUSE_3.0"),
            GetContext = (delegate* unmanaged[Cdecl]<FuseContext*>)Symbol(library, "fuse_get_context", "FUSE_3.0"),
        };
    }

    private static nint Symbol(nint library, string name, string version)
    {
        var address = DlVSym(library, name, version);
        return address != 0
            ? address
            : throw new FuseException($"{Name} has no {name}@{version}: libfuse 3.12 or newer is needed (Debian 12 has 3.14)");
    }

    [LibraryImport("libc", EntryPoint = "dlvsym", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint DlVSym(nint handle, string symbol, string version);
}
