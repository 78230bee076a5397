using BitDust.Engine.Common;
using BitDust.Engine.Host.Configuration;
using BitDust.Engine.Host.Services;
using BitDust.Fs.Fuse;
using BitDust.Fs.Vfs;
using Microsoft.Extensions.Logging;

namespace BitDust.Fs.Drive;

/// <summary>
/// <c>drive</c>: mounts the customer's storage as a drive when asked (<c>/drive/mount/v1</c>, which <c>bitdust-mount</c>
/// calls), in this node's process, where the keys and the catalog are. One mount at a time. Unmounting waits until every
/// closed file is durable (unless forced); an unmount from outside (<c>fusermount3 -u</c>) or a stopping node leaves the
/// uploads to the storage, which the catalog keeps and the next run resumes.
/// </summary>
public sealed partial class DriveService(NodeHome home, NodeConfig config, CustomerService customer, ILoggerFactory loggers)
    : INetworkService
{
    private readonly ILogger _logger = loggers.CreateLogger<DriveService>();
    private readonly Lock _gate = new();
    private DriveFileSystem? _drive;
    private FuseMount? _mount;
    private string? _mountPoint;
    private bool _flushing;
    private bool _running;

    public string Name => "drive";

    public IReadOnlyList<string> DependsOn => ["customer"];

    /// <summary>OFF, READY (nothing mounted), MOUNTED or FLUSHING (unmounting once uploads are durable).</summary>
    public string State
    {
        get
        {
            lock (_gate)
                return !_running ? "OFF" : _mount is null ? "READY" : _flushing ? "FLUSHING" : "MOUNTED";
        }
    }

    public string CacheFolder => Path.Combine(home.DataFolder, "drive", "cache");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
            _running = true;
        return Task.CompletedTask;
    }

    /// <summary>
    /// Mounts the drive at <paramref name="mountPoint"/> (made if missing). Refusals (the customer not ready, another mount,
    /// a bad mount point) are an <see cref="InvalidOperationException"/> or <see cref="FuseException"/> saying what to do.
    /// </summary>
    public DriveStatus Mount(string mountPoint, long? cacheSize, bool readOnly)
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("the drive is only supported on Linux for now (a WinFsp adapter for Windows is planned)");
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(mountPoint));
        lock (_gate)
        {
            if (!_running)
                throw new InvalidOperationException("the drive service is off: bitdust config set services/drive/enabled true, then restart");
            if (_mount is not null)
            {
                return _mountPoint == full
                    ? Status()
                    : throw new InvalidOperationException($"the drive is already mounted at {_mountPoint}; unmount it first");
            }
            if (!customer.IsReady || customer.Storage is not { } storage)
            {
                throw new InvalidOperationException(
                    $"the customer service is {customer.State}{(customer.Detail is { } detail ? $" ({detail})" : "")}: the drive can be mounted once it is READY");
            }
            if (MountTable.IsStale(full))
            {
                LogStale(_logger, full);
                MountTable.DetachStale(full);
            }
            Directory.CreateDirectory(full);
            var options = new DriveOptions
            {
                CacheFolder = CacheFolder,
                CacheLimit = cacheSize ?? config.GetSize(ConfigKeys.DriveCacheSize),
                Quota = config.GetSize(ConfigKeys.CustomerNeededSpace),
                ReadOnly = readOnly,
            };
            var drive = DriveFileSystem.Open(storage, options, loggers.CreateLogger<DriveFileSystem>());
            FuseMount mount;
            try
            {
                mount = FuseMount.Start(drive, full, new FuseMountOptions { ReadOnly = readOnly, Logger = loggers.CreateLogger<FuseMount>() });
            }
            catch
            {
                drive.DisposeAsync().AsTask().GetAwaiter().GetResult();
                throw;
            }
            (_drive, _mount, _mountPoint, _flushing) = (drive, mount, full, false);
            _ = mount.Completion.ContinueWith(_ => Unmounted(mount), CancellationToken.None, TaskContinuationOptions.None,
                TaskScheduler.Default);
            LogMounted(_logger, full, options.CacheLimit, readOnly ? ", read-only" : "");
            return Status();
        }
    }

    /// <summary>
    /// Unmounts: at once when <paramref name="force"/> (what is still pending keeps uploading in the background), else once
    /// no file is open for writing any more and every closed file is durable — this returns at once, and
    /// <see cref="Status"/> shows the flush going down.
    /// </summary>
    public DriveStatus Unmount(bool force)
    {
        FuseMount? mount;
        DriveFileSystem? drive;
        lock (_gate)
        {
            (mount, drive) = (_mount, _drive);
            if (mount is null || drive is null)
                throw new InvalidOperationException("the drive is not mounted");
            var status = Status();
            if (force)
            {
                LogForced(_logger, _mountPoint!, drive.Queue.PendingFiles, drive.Queue.PendingBytes);
                mount.Unmount();
                return status;
            }
            if (_flushing)
                return status;
            _flushing = true;
        }
        _ = Task.Run(async () =>
        {
            await drive.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            mount.Unmount();
        });
        return Status();
    }

    /// <summary>
    /// Lets go of what the cache may give back (copies complete in the network, fetched blocks), as when it needs room: the
    /// disk is freed and those files read from the network again. Files still uploading or in use stay.
    /// </summary>
    public (long Dropped, DriveStatus Status) DropCache()
    {
        DriveFileSystem drive;
        lock (_gate)
            drive = _drive ?? throw new InvalidOperationException("the drive is not mounted");
        var dropped = drive.Space.EvictAll();
        LogDropped(_logger, dropped, drive.Space.Used);
        return (dropped, Status());
    }

    public DriveStatus Status()
    {
        lock (_gate)
        {
            var drive = _drive;
            return new DriveStatus(State, _mountPoint, drive?.Queue.PendingFiles ?? 0, drive?.Queue.PendingBytes ?? 0,
                drive?.Queue.PendingPaths() ?? [], drive?.OpenForWriting() ?? [], drive?.Queue.LastError, drive?.Space.Used ?? 0,
                drive?.Space.Limit ?? 0,
                drive?.UsedBytes ?? 0, config.GetSize(ConfigKeys.CustomerNeededSpace), drive?.FragmentsRequested ?? 0);
        }
    }

    private void Unmounted(FuseMount mount)
    {
        DriveFileSystem? drive;
        lock (_gate)
        {
            if (!ReferenceEquals(_mount, mount))
                return;
            drive = _drive;
            LogUnmounted(_logger, _mountPoint!, drive?.Queue.PendingFiles ?? 0);
            (_drive, _mount, _mountPoint, _flushing) = (null, null, null, false);
        }
        drive?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        FuseMount? mount;
        lock (_gate)
        {
            _running = false;
            mount = _mount;
        }
        if (mount is not null)
            await mount.DisposeAsync().ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 5400, Level = LogLevel.Information,
        Message = "drive mounted at {MountPoint} (cache {CacheLimit} bytes{ReadOnly})")]
    private static partial void LogMounted(ILogger logger, string mountPoint, long cacheLimit, string readOnly);

    [LoggerMessage(EventId = 5401, Level = LogLevel.Warning,
        Message = "{MountPoint} was a dead mount (its process died); detaching it first")]
    private static partial void LogStale(ILogger logger, string mountPoint);

    [LoggerMessage(EventId = 5402, Level = LogLevel.Warning,
        Message = "forced unmount of {MountPoint}: {Files} files ({Bytes} bytes) still uploading in the background")]
    private static partial void LogForced(ILogger logger, string mountPoint, int files, long bytes);

    [LoggerMessage(EventId = 5404, Level = LogLevel.Information,
        Message = "drive cache dropped: {Dropped} bytes let go, {Used} bytes still held (uploading or in use)")]
    private static partial void LogDropped(ILogger logger, long dropped, long used);

    [LoggerMessage(EventId = 5403, Level = LogLevel.Information,
        Message = "drive unmounted from {MountPoint}; {Pending} files still uploading in the background")]
    private static partial void LogUnmounted(ILogger logger, string mountPoint, int pending);
}

/// <summary>What <c>/drive/status/v1</c> shows.</summary>
public sealed record DriveStatus(string State, string? MountPoint, int PendingFiles, long PendingBytes, IReadOnlyList<string> PendingPaths,
    IReadOnlyList<string> OpenForWriting, string? LastError, long CacheUsed, long CacheLimit, long UsedBytes, long Quota,
    long FragmentsRequested);
