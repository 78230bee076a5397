using System.Collections.Concurrent;
using System.Text;
using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Fs.Cache;
using Microsoft.Extensions.Logging;

namespace BitDust.Fs.Vfs;

/// <summary>
/// The network as a file system: a tree kept in memory and in the catalog (so a new machine gets it back from the identity
/// backup), file bytes in a write-back cache, closed files uploaded through <see cref="UploadQueue"/>, and files not in the
/// cache read block by block from the suppliers. Errors come back as errno, the way a local disk reports them.
/// <para>
/// Locks, in the only order they may be taken (a thread holding one never waits for one above it):
/// <list type="number">
/// <item><c>_paths</c> (reader-writer): the write side while a path changes (rename, unlink, rmdir); the read side while a
/// closed copy is queued for upload under the path it has, so a rename cannot slip between reading the path and queuing.</item>
/// <item><c>_tree</c>: the tree in memory (names, parents, attributes, inodes) and its mirror in the catalog's tree table;
/// the catalog's own lock is taken inside it.</item>
/// <item><c>FileNode.ContentGate</c>: one file's content (which copy or remote version), its open handles and writers.</item>
/// <item><c>_remotes</c>: the list of remote contents being read; nothing is taken inside it.</item>
/// </list>
/// FUSE calls arrive on libfuse's own threads, not the thread pool's; the few that wait for the network or the cache (a read
/// of a block not in the cache, fsync until durable, room in the cache) block that FUSE thread through
/// <see cref="FuseThreadWait"/>, the one place that waits. Of the locks, only
/// a file's <c>ContentGate</c> is ever held while waiting (opening a file not in the cache for writing fetches it under the
/// gate, so other calls on that file wait for it); <c>_paths</c> and <c>_tree</c> never are.
/// </para>
/// </summary>
public sealed partial class DriveFileSystem : IFileSystem, IAsyncDisposable
{
    /// <summary>Where deleted files wait (hidden) until their uploads end and their versions can be deleted.</summary>
    public const string TrashFolder = UploadQueue.TrashFolder;

    private readonly CustomerStorage _storage;
    private readonly Catalog _catalog;
    private readonly DriveOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _tree = new();

    // Paths change (rename, unlink, rmdir) under the write side; an upload is queued under the path read, on the read side.
    private readonly ReaderWriterLockSlim _paths = new();
    private readonly ConcurrentDictionary<ulong, DriveHandle> _handles = new();
    private readonly DirectoryNode _root;
    private readonly string _filesFolder;
    private readonly string _blocksFolder;
    private long _nextHandle;
    private long _nextInode = 1;
    private long _used;

    /// <summary>Handles being released whose copy is not queued yet (see Release).</summary>
    private int _closing;

    /// <summary>How long a writer short of room waits for other files open for writing to be closed and queued.</summary>
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(2);
    private long _fragmentsOfDropped;
    private int _shortOfRedundancy;
    private long _waitingForRedundancySince;
    private readonly List<RemoteContent> _remotes = [];

    private DriveFileSystem(CustomerStorage storage, DriveOptions options, ILogger logger)
    {
        _storage = storage;
        _catalog = storage.Catalog;
        _options = options;
        _logger = logger;
        _filesFolder = Path.Combine(options.CacheFolder, "files");
        _blocksFolder = Path.Combine(options.CacheFolder, "blocks");
        Space = new CacheSpace(options.CacheLimit);
        Queue = new UploadQueue(storage, logger);
        _root = new DirectoryNode("", 0x1ED, 0, 0, DateTimeOffset.UtcNow, NewInode());
    }

    public CacheSpace Space { get; }

    public UploadQueue Queue { get; }

    /// <summary>Fragments asked of suppliers by reads through the drive so far.</summary>
    public long FragmentsRequested
    {
        get
        {
            lock (_remotes)
                return _fragmentsOfDropped + _remotes.Sum(r => r.FragmentsRequested);
        }
    }

    /// <summary>The files open for writing now: they are queued for upload once closed.</summary>
    public IReadOnlyList<string> OpenForWriting()
    {
        lock (_tree)
        {
            return [.. _handles.Values.Where(h => h.CanWrite && !h.Node.Detached).Select(h => "/" + h.Node.RemotePath).Distinct()
                .Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>
    /// Waits until no file is open for writing (a copy still running finishes first) and every closed file is durable: what
    /// an unmount that loses nothing needs.
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        while (OpenForWriting().Count > 0 || Volatile.Read(ref _closing) > 0 || Queue.PendingFiles > 0)
        {
            Queue.StartNow();
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Bytes of every file in the drive: what counts against the quota.</summary>
    public long UsedBytes => Interlocked.Read(ref _used);

    /// <summary>
    /// Opens the drive of <paramref name="storage"/>: loads the tree from the catalog, takes back the uploads a previous run
    /// left queued, and starts the upload queue.
    /// </summary>
    public static DriveFileSystem Open(CustomerStorage storage, DriveOptions options, ILogger logger)
    {
        var drive = new DriveFileSystem(storage, options, logger);
        drive.Load();
        drive.Queue.Start();
        drive.StartSweeper();
        return drive;
    }

    public Errno GetAttributes(string path, ulong handle, out NodeAttributes attributes)
    {
        attributes = default;
        lock (_tree)
        {
            var node = handle != 0 && _handles.TryGetValue(handle, out var open) ? open.Node : Find(path);
            if (node is null)
                return Errno.ENOENT;
            attributes = AttributesOf(node);
            return Errno.Ok;
        }
    }

    public Errno ReadDirectory(string path, List<DirectoryEntry> entries)
    {
        lock (_tree)
        {
            var node = Find(path);
            if (node is null)
                return Errno.ENOENT;
            if (node is not DirectoryNode folder)
                return Errno.ENOTDIR;
            foreach (var child in folder.Children.Values)
            {
                if (folder == _root && child.Name == TrashFolder)
                    continue;
                entries.Add(new DirectoryEntry(child.Name, AttributesOf(child)));
            }
            return Errno.Ok;
        }
    }

    public Errno GetStats(out FileSystemStats stats)
    {
        var used = UsedBytes;
        long files;
        lock (_tree)
            files = Interlocked.Read(ref _nextInode);
        stats = new FileSystemStats(_options.Quota, Math.Max(0, _options.Quota - used), files, long.MaxValue / 2, 4096,
            RemotePath.MaxNameBytes);
        return Errno.Ok;
    }

    private NodeAttributes AttributesOf(DriveNode node) =>
        node.Attributes(node is DirectoryNode folder ? 2 + folder.Children.Values.Count(c => c is DirectoryNode) : 1);

    /// <summary>The node at <paramref name="path"/>, or null. Caller holds the tree lock.</summary>
    private DriveNode? Find(string path)
    {
        DriveNode node = _root;
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (node is not DirectoryNode folder || !folder.Children.TryGetValue(part, out var child))
                return null;
            node = child;
        }
        return node;
    }

    /// <summary>The folder that would hold <paramref name="path"/> and the last name in it. Caller holds the tree lock.</summary>
    private Errno FindParent(string path, out DirectoryNode parent, out string name)
    {
        parent = _root;
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        name = parts.Length > 0 ? parts[^1] : "";
        if (parts.Length == 0)
            return Errno.EBUSY;
        DriveNode node = _root;
        foreach (var part in parts[..^1])
        {
            if (node is not DirectoryNode folder)
                return Errno.ENOTDIR;
            if (!folder.Children.TryGetValue(part, out var child))
                return Errno.ENOENT;
            node = child;
        }
        if (node is not DirectoryNode found)
            return Errno.ENOTDIR;
        parent = found;
        if (Encoding.UTF8.GetByteCount(name) > RemotePath.MaxNameBytes)
            return Errno.ENAMETOOLONG;
        var remote = parent == _root ? name : parent.RemotePath + "/" + name;
        if (parent == _root && name == TrashFolder)
            return Errno.EPERM;
        if (RemotePath.Validate(remote) is { } problem)
        {
            Log.NameRefused(_logger, path, problem);
            return Encoding.UTF8.GetByteCount(remote) > RemotePath.MaxBytes ? Errno.ENAMETOOLONG : Errno.EINVAL;
        }
        return Errno.Ok;
    }

    private long NewInode() => Interlocked.Increment(ref _nextInode);

    private RemoteContent NewRemote(CatalogVersion version)
    {
        var manifest = Engine.Pipeline.Manifest.Read(version.Manifest!, _storage.OwnerKey);
        // A cache file of its own: two contents of one version (a file, and a stub of it being materialized) never share one.
        var blocks = Path.Combine(_blocksFolder, $"{version.File.FileId:N}-{version.File.Version}-{Guid.NewGuid():N}");
        var remote = new RemoteContent(version, manifest.BlockSize, () => _storage.OpenBlocks(version), bytes => ReserveRoomAsync(bytes),
            blocks, Space, _options.ReadAheadBlocks, _logger);
        lock (_remotes)
            _remotes.Add(remote);
        return remote;
    }

    /// <summary>Lets go of content a file no longer has: a queued copy stays until its upload ends, the rest goes now.</summary>
    private void Retire(FileContent content)
    {
        if (content is LocalContent local && Queue.IsPending(local))
            return;
        if (content is RemoteContent remote)
        {
            lock (_remotes)
            {
                if (_remotes.Remove(remote))
                    _fragmentsOfDropped += remote.FragmentsRequested;
            }
        }
        content.Discard();
    }

    public void Unmounted() => Log.Unmounted(_logger);

    public async ValueTask DisposeAsync()
    {
        await StopSweeperAsync().ConfigureAwait(false);
        await Queue.DisposeAsync().ConfigureAwait(false);
        Space.Handles.Dispose();
        _paths.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5100, Level = LogLevel.Warning, Message = "drive: {Path} cannot be stored: {Reason}")]
        public static partial void NameRefused(ILogger logger, string path, string reason);

        [LoggerMessage(EventId = 5101, Level = LogLevel.Error, Message = "drive: {Operation} {Path} failed: {Reason}")]
        public static partial void Failed(ILogger logger, string operation, string path, string reason);

        [LoggerMessage(EventId = 5102, Level = LogLevel.Warning,
            Message = "drive: the cache is over its limit ({Used} of {Limit} bytes, {Bytes} more) and nothing more can be evicted " +
                "({Pending} files waiting to upload, {Evictable} cached items in use, completing {Completing}, {Short} short of redundancy); writing anyway")]
        public static partial void OverLimit(ILogger logger, long used, long limit, long bytes, int pending, int evictable, bool completing, int @short);

        [LoggerMessage(EventId = 5107, Level = LogLevel.Warning,
            Message = "drive: {Path} goes up again: its last upload failed while the drive was not mounted ({Reason})")]
        public static partial void FailedCopyRequeued(ILogger logger, string path, string reason);

        [LoggerMessage(EventId = 5108, Level = LogLevel.Warning,
            Message = "drive: {Path} is not uploaded again: its copy is not what was closed (a power cut cut it short); the version before stays")]
        public static partial void FailedCopyTorn(ILogger logger, string path);

        [LoggerMessage(EventId = 5103, Level = LogLevel.Information, Message = "drive: unmounted")]
        public static partial void Unmounted(ILogger logger);

        [LoggerMessage(EventId = 5104, Level = LogLevel.Information,
            Message = "drive: loaded {Files} files and {Folders} folders; {Pending} uploads pending from the last run")]
        public static partial void Loaded(ILogger logger, int files, int folders, int pending);

        [LoggerMessage(EventId = 5105, Level = LogLevel.Warning,
            Message = "drive: deleting {Path} from the network failed: {Reason}; trying again later")]
        public static partial void SweepFailed(ILogger logger, string path, string reason);

        [LoggerMessage(EventId = 5106, Level = LogLevel.Information, Message = "drive: materialized {Path} from its stub")]
        public static partial void Materialized(ILogger logger, string path);
    }
}

/// <summary>An open file: which node, how it was opened, and where the last read ended (to spot sequential reads).</summary>
internal sealed class DriveHandle(FileNode node, OpenFlags flags)
{
    public FileNode Node { get; } = node;

    public OpenFlags Flags { get; } = flags;

    public bool CanWrite => (Flags & OpenFlags.AccessMask) != OpenFlags.ReadOnly;

    public long NextRead { get; set; } = -1;
}
