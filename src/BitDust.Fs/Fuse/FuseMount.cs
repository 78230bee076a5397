using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using BitDust.Fs.Vfs;

namespace BitDust.Fs.Fuse;

/// <summary>
/// One FUSE mount of an <see cref="IFileSystem"/>: fuse_new and fuse_mount on the caller's thread (so a refusal is an
/// exception here), then libfuse's multi-threaded loop on a thread of its own until the drive is unmounted — by
/// <see cref="Unmount"/>, by <c>fusermount3 -u</c> from outside, or by the kernel.
/// </summary>
public sealed unsafe class FuseMount : IAsyncDisposable
{
    private readonly FuseCallbacks.Target _target;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private GCHandle _handle;
    private FuseOperations* _operations;
    private nint _fuse;
    private bool _unmounting;

    private FuseMount(IFileSystem fileSystem, string mountPoint, FuseMountOptions options)
    {
        MountPoint = mountPoint;
        _target = new FuseCallbacks.Target(fileSystem, options);
    }

    public string MountPoint { get; }

    /// <summary>Completes once the loop has ended and the mount is gone.</summary>
    public Task Completion => _completion.Task;

    public static FuseMount Start(IFileSystem fileSystem, string mountPoint, FuseMountOptions options)
    {
        var api = FuseLibrary.Api;
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(mountPoint));
        if (!Directory.Exists(full))
            throw new FuseException($"the mount point {full} does not exist or is not a folder");
        if (MountTable.IsStale(full))
            throw new FuseException($"{full} is a dead mount (\"Transport endpoint is not connected\"); detach it with: fusermount3 -u -z {full}");
        if (MountTable.IsMounted(full))
            throw new FuseException($"{full} is already a mount point; unmount it first (fusermount3 -u {full})");
        var mount = new FuseMount(fileSystem, full, options);
        mount.Mount(api);
        return mount;
    }

    private void Mount(FuseLibrary.Functions api)
    {
        _handle = GCHandle.Alloc(_target);
        _operations = (FuseOperations*)NativeMemory.AllocZeroed((nuint)sizeof(FuseOperations));
        *_operations = FuseCallbacks.Table();
        var options = _target.Options;
        var mountOptions = new List<string> { $"fsname={options.FsName}", "subtype=bitdust", "default_permissions" };
        if (options.AllowOther)
            mountOptions.Add("allow_other");
        if (options.ReadOnly)
            mountOptions.Add("ro");
        var arguments = new[] { "bitdust", "-o", string.Join(',', mountOptions) };
        var native = arguments.Select(a => Marshal.StringToCoTaskMemUTF8(a)).ToArray();
        try
        {
            fixed (nint* values = native)
            {
                var args = new FuseArgs { Count = native.Length, Values = (byte**)values, Allocated = 0 };
                _fuse = api.New(&args, _operations, (nuint)sizeof(FuseOperations), GCHandle.ToIntPtr(_handle));
            }
            if (_fuse == 0)
                throw new FuseException($"fuse_new refused the options {string.Join(' ', arguments[1..])} (libfuse printed why on stderr)");
            var point = Encoding.UTF8.GetBytes(MountPoint + "\0");
            fixed (byte* path = point)
            {
                if (api.Mount(_fuse, path) != 0)
                {
                    throw new FuseException($"mounting {MountPoint} failed (libfuse printed why on stderr); is /dev/fuse there " +
                        "(apt-get install -y fuse3) and are you root or in the fuse group?");
                }
            }
        }
        catch
        {
            Free(api);
            throw;
        }
        finally
        {
            foreach (var value in native)
                Marshal.FreeCoTaskMem(value);
        }
        var loop = new Thread(() => Loop(api)) { IsBackground = true, Name = $"fuse {MountPoint}" };
        loop.Start();
        SetReadAhead(options.ReadAheadKiB);
    }

    /// <summary>Raises the mount's read-ahead (its backing device info in sysfs); without root it stays as it is, and says so.</summary>
    private void SetReadAhead(int kibibytes)
    {
        if (kibibytes <= 0 || MountTable.DeviceOf(MountPoint) is not { } device)
            return;
        var setting = $"/sys/class/bdi/{device}/read_ahead_kb";
        try
        {
            File.WriteAllText(setting, kibibytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (_target.Options.Logger is { } logger)
                FuseLog.ReadAheadKept(logger, setting, e.Message);
        }
    }

    private void Loop(FuseLibrary.Functions api)
    {
        try
        {
            var config = new FuseLoopConfigV1 { CloneFd = 0, MaxIdleThreads = (uint)_target.Options.MaxIdleThreads };
            api.LoopMultiThreaded(_fuse, &config);
            api.Unmount(_fuse);
        }
        finally
        {
            Free(api);
            _completion.TrySetResult();
        }
    }

    /// <summary>Ends the loop and detaches the mount (lazily, so open files do not keep it); idempotent.</summary>
    public void Unmount()
    {
        lock (_gate)
        {
            if (_unmounting || _completion.Task.IsCompleted)
                return;
            _unmounting = true;
            FuseLibrary.Api.Exit(_fuse);
        }
        // The loop threads sit in read() on /dev/fuse: detaching the mount is what wakes them.
        using var unmount = Process.Start(new ProcessStartInfo("fusermount3", ["-u", "-z", MountPoint])
        {
            RedirectStandardError = true, RedirectStandardOutput = true,
        });
        unmount?.WaitForExit();
    }

    private void Free(FuseLibrary.Functions api)
    {
        lock (_gate)
        {
            if (_fuse != 0)
            {
                api.Destroy(_fuse);
                _fuse = 0;
            }
            if (_operations is not null)
            {
                NativeMemory.Free(_operations);
                _operations = null;
            }
            if (_handle.IsAllocated)
                _handle.Free();
        }
    }

    public ValueTask DisposeAsync()
    {
        Unmount();
        return new ValueTask(Completion);
    }
}
